package backend

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Pet is a pet for sale.
type Pet struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Species string   `json:"species"`
	Status  string   `json:"status"` // available, pending, sold
	Price   float64  `json:"price"`
	Tags    []string `json:"tags"`
}

// Order is a user's order.
type Order struct {
	ID       int     `json:"id"`
	PetID    int     `json:"petId"`
	Quantity int     `json:"quantity"`
	Status   string  `json:"status"` // placed, approved, delivered
	Total    float64 `json:"total"`
	User     string  `json:"-"`
}

type store struct {
	pets   []Pet
	orders []Order
}

func newStore() *store {
	return &store{
		pets: []Pet{
			{1, "Rex", "dog", "available", 350, []string{"friendly", "vaccinated"}},
			{2, "Mittens", "cat", "available", 120, []string{"indoor"}},
			{3, "Tweety", "bird", "pending", 45.5, []string{"singer"}},
			{4, "Bella", "dog", "sold", 420, []string{"puppy"}},
			{5, "Shadow", "cat", "available", 95, nil},
		},
		orders: []Order{
			{1001, 4, 1, "delivered", 420, "alice"},
			{1002, 3, 2, "placed", 91, "alice"},
			{1003, 2, 1, "approved", 120, "bob"},
		},
	}
}

func (b *Backend) listPets(w http.ResponseWriter, r *http.Request) {
	species := r.URL.Query().Get("species")
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	b.mu.Lock()
	out := []Pet{}
	for _, p := range b.store.pets {
		if (species == "" || p.Species == species) && len(out) < limit {
			out = append(out, p)
		}
	}
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"pets": out, "count": len(out)})
}

func (b *Backend) getPet(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": "pet id must be a number"})
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.store.pets {
		if p.ID == id {
			writeJSON(w, http.StatusOK, p)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "message": "no pet with id " + strconv.Itoa(id)})
}

func (b *Backend) myOrders(w http.ResponseWriter, r *http.Request, user string) {
	b.mu.Lock()
	out := []Order{}
	for _, o := range b.store.orders {
		if o.User == user {
			out = append(out, o)
		}
	}
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"user": user, "orders": out})
}

func (b *Backend) placeOrder(w http.ResponseWriter, r *http.Request, user string) {
	var in struct {
		PetID    int `json:"petId"`
		Quantity int `json:"quantity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.PetID == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": "body must be {\"petId\": number, \"quantity\": number}"})
		return
	}
	if in.Quantity <= 0 {
		in.Quantity = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.store.pets {
		if p.ID == in.PetID {
			o := Order{ID: 1001 + len(b.store.orders), PetID: p.ID, Quantity: in.Quantity, Status: "placed", Total: p.Price * float64(in.Quantity), User: user}
			b.store.orders = append(b.store.orders, o)
			writeJSON(w, http.StatusCreated, o)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "message": "no pet with id " + strconv.Itoa(in.PetID)})
}

func (b *Backend) inventory(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	counts := map[string]int{}
	for _, p := range b.store.pets {
		counts[p.Status]++
	}
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, counts)
}

func (b *Backend) addPet(w http.ResponseWriter, r *http.Request) {
	var p Pet
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Name == "" || p.Species == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": "body must be {\"name\": string, \"species\": string}"})
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p.ID = len(b.store.pets) + 1
	if p.Status == "" {
		p.Status = "available"
	}
	b.store.pets = append(b.store.pets, p)
	writeJSON(w, http.StatusCreated, p)
}

func (b *Backend) search(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	b.mu.Lock()
	out := []Pet{}
	for _, p := range b.store.pets {
		if q != "" && strings.Contains(strings.ToLower(p.Name), q) {
			out = append(out, p)
		}
	}
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out})
}

func (b *Backend) stats(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	byPath := map[string]int{}
	for _, rec := range b.records {
		byPath[rec.Method+" "+rec.Path]++
	}
	b.mu.Unlock()
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	type row struct {
		Route    string `json:"route"`
		Requests int    `json:"requests"`
	}
	rows := make([]row, 0, len(paths))
	for _, p := range paths {
		rows = append(rows, row{p, byPath[p]})
	}
	writeJSON(w, http.StatusOK, map[string]any{"routes": rows})
}
