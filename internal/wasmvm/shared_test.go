package wasmvm

import (
	"math"
	"testing"
)

func TestSharedDataFollowsEnvoy(t *testing.T) {
	s := NewSharedData()
	type step struct {
		op, vm, key, value string
		cas                uint32
		wantValue          string
		wantCas            uint32
		want               Status
	}
	for i, st := range []step{
		{op: "get", vm: "a", key: "k", want: StatusNotFound},
		{op: "set", vm: "a", key: "k", value: "v1", cas: 42, want: StatusOK}, // a new key ignores cas
		{op: "get", vm: "a", key: "k", wantValue: "v1", wantCas: 1, want: StatusOK},
		{op: "get", vm: "b", key: "k", want: StatusNotFound}, // another vm_id
		{op: "set", vm: "a", key: "k", value: "v2", cas: 2, want: StatusCasMismatch},
		{op: "get", vm: "a", key: "k", wantValue: "v1", wantCas: 1, want: StatusOK},
		{op: "set", vm: "a", key: "k", value: "v2", cas: 1, want: StatusOK},
		{op: "set", vm: "b", key: "k", value: "b1", want: StatusOK}, // counter is shared by vm_ids
		{op: "set", vm: "a", key: "k", value: "", cas: 0, want: StatusOK},
		{op: "get", vm: "a", key: "k", wantValue: "", wantCas: 4, want: StatusOK},
		{op: "get", vm: "b", key: "k", wantValue: "b1", wantCas: 3, want: StatusOK},
	} {
		switch st.op {
		case "get":
			v, cas, got := s.Get(st.vm, st.key)
			if got != st.want || string(v) != st.wantValue || cas != st.wantCas {
				t.Errorf("step %d: Get(%s, %s) = %q, %d, %d; want %q, %d, %d", i, st.vm, st.key, v, cas, got, st.wantValue, st.wantCas, st.want)
			}
		case "set":
			if got := s.Set(st.vm, st.key, []byte(st.value), st.cas); got != st.want {
				t.Errorf("step %d: Set(%s, %s, %q, %d) = %d, want %d", i, st.vm, st.key, st.value, st.cas, got, st.want)
			}
		}
	}
}

func TestSharedDataCopiesAndNeverHandsOutCasZero(t *testing.T) {
	s := NewSharedData()
	in := []byte("abc")
	s.Set("vm", "k", in, 0)
	in[0] = 'X'
	v, _, _ := s.Get("vm", "k")
	v[1] = 'Y'
	if again, _, _ := s.Get("vm", "k"); string(again) != "abc" {
		t.Errorf("stored value changed through a caller's slice: %q", again)
	}
	s.cas = math.MaxUint32
	s.Set("vm", "a", nil, 0)
	s.Set("vm", "b", nil, 0)
	_, casA, _ := s.Get("vm", "a")
	_, casB, _ := s.Get("vm", "b")
	if casA != math.MaxUint32 || casB != 1 {
		t.Errorf("cas around the wrap = %d, %d; want %d, 1 (0 skipped)", casA, casB, uint32(math.MaxUint32))
	}
}
