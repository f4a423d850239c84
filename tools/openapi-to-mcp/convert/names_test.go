package convert

import "testing"

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"getPetById":             "get_pet_by_id",
		"HTTPServerStatus":       "http_server_status",
		"get-report":             "get_report",
		"get_/pets/{petId}/tags": "get_pets_pet_id_tags",
		"ListV2Items":            "list_v2_items",
		"déjà vu":                "d_j_vu",
		"__":                     "",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToolNameCollisionsAreResolvedInDocumentOrder(t *testing.T) {
	n := namer{}
	var got []string
	for _, o := range []*operation{{operationID: "getReport"}, {operationID: "get-report"}, {method: "GET", path: "/report"},
		{operationID: "get_report_2"}} {
		got = append(got, n.unique(toolName("", o)))
	}
	want := []string{"get_report", "get_report_2", "get_report_3", "get_report_2_2"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("names = %v, want %v", got, want)
		}
	}
}

func TestDescriptionIsTrimmed(t *testing.T) {
	long := make([]byte, 3000)
	for i := range long {
		long[i] = 'a'
	}
	d := description(&operation{summary: " Sum ", description: string(long)})
	if r := []rune(d); len(r) != maxDescription || r[len(r)-1] != '…' || d[:5] != "Sum\n\n" {
		t.Fatalf("description has %d runes, starts %q", len(r), d[:5])
	}
	if got := description(&operation{summary: "Same", description: "Same"}); got != "Same" {
		t.Fatalf("repeated summary: %q", got)
	}
}

func TestEnvName(t *testing.T) {
	for _, c := range [][3]string{{"petstore", "api_key", "PETSTORE_API_KEY"}, {"my-api", "bearerAuth", "MY_API_BEARER_AUTH"},
		{"", "9lives", "X_9LIVES"}} {
		if got := envName(c[0], c[1]); got != c[2] {
			t.Errorf("envName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
