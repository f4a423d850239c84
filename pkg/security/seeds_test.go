package security

import (
	"os"
	"reflect"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

// seedConfig is the slice of the Higress config format this package reads.
type seedConfig struct {
	Server struct {
		SecuritySchemes []struct {
			ID, Type, Scheme, In, Name string
			DefaultCredential          *string `yaml:"defaultCredential"`
		} `yaml:"securitySchemes"`
	}
	Tools []struct {
		Name     string
		Security struct {
			ID          string
			Passthrough bool
		}
		RequestTemplate *struct {
			Security struct {
				ID         string
				Credential *string
			}
		} `yaml:"requestTemplate"`
	}
}

// TestSeedConfigs compiles testdata/configs/seed-*.yaml and applies every tool's policy to a
// client request carrying a Bearer token, checking the exact upstream credential.
func TestSeedConfigs(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.sig"
	want := map[string][2]string{ // tool -> source, upstream header "name: value"
		"list_invoices":        {"default:http:basic", "authorization: Basic " + b64("service_user:p@$$wOrd")},
		"get_inventory_item":   {"default:http:bearer", "authorization: Bearer your_static_bearer_token_for_backend"},
		"search_audit_log":     {"default:apiKey:header:x-internal-apikey", "x-internal-apikey: secret_backend_api_key"},
		"fetch-sensitive-data": {"default:http:bearer", "authorization: Bearer your_static_bearer_token_for_backend"},
		"export_data":          {"override:http:bearer", "authorization: Bearer override_token_for_data_export"},
		"get-user-profile":     {"passthrough:header:authorization", "authorization: Bearer " + jwt},
		"list_my_orders":       {"passthrough:header:authorization", "authorization: Bearer " + jwt},
	}
	seen := 0
	for _, file := range []string{"seed-basic-bearer-apikey.yaml", "seed-request-template-security.yaml", "seed-passthrough.yaml"} {
		for name, p := range compileSeed(t, "../../testdata/configs/"+file) {
			seen++
			tg := &fakeTarget{}
			a, err := p.Apply(Inbound{Headers: hdr("authorization", "Bearer "+jwt)}, tg)
			got := [2]string{a.Source, ""}
			if len(tg.headers) == 1 {
				got[1] = tg.headers[0][0] + ": " + tg.headers[0][1]
			}
			if err != nil || got != want[name] {
				t.Errorf("%s %s: got %q (err %v), want %q", file, name, got, err, want[name])
			}
			if p.NeedsClientCredential() {
				_, err := p.Apply(Inbound{}, &fakeTarget{})
				msg := "security: tool " + strconv.Quote(name) + " requires an HTTP Bearer credential in the Authorization header"
				if err == nil || err.Error() != msg {
					t.Errorf("%s without credential: %v", name, err)
				}
			}
		}
	}
	if seen != len(want) {
		t.Errorf("compiled %d tools, want %d", seen, len(want))
	}
}

func compileSeed(t *testing.T, path string) map[string]*Policy {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg seedConfig
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var specs []SchemeSpec
	for _, s := range cfg.Server.SecuritySchemes {
		spec := SchemeSpec{ID: s.ID, Type: s.Type, Scheme: s.Scheme, In: s.In, Name: s.Name}
		if s.DefaultCredential != nil {
			spec.DefaultCredential, spec.HasDefault = *s.DefaultCredential, true
		}
		specs = append(specs, spec)
	}
	schemes, err := CompileSchemes(specs, nil, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]*Policy{}
	for i, tool := range cfg.Tools {
		tp := "tools[" + strconv.Itoa(i) + "]"
		spec := PolicySpec{ToolName: tool.Name, ClientID: tool.Security.ID, ClientPath: tp + ".security.id",
			Passthrough: tool.Security.Passthrough, NoUpstream: tool.RequestTemplate == nil}
		if rt := tool.RequestTemplate; rt != nil {
			spec.UpstreamID, spec.UpstreamPath = rt.Security.ID, tp+".requestTemplate.security.id"
			if rt.Security.Credential != nil {
				spec.Credential, spec.HasCredential = *rt.Security.Credential, true
				spec.CredentialPath = tp + ".requestTemplate.security.credential"
			}
		}
		p, err := CompilePolicy(spec, schemes, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !reflect.DeepEqual(p.ClientHeaderNames(), headerNamesFor(p)) {
			t.Errorf("%s: ClientHeaderNames = %v", tool.Name, p.ClientHeaderNames())
		}
		out[tool.Name] = p
	}
	return out
}

func headerNamesFor(p *Policy) []string {
	if p.NeedsClientCredential() {
		return []string{"authorization"}
	}
	return nil
}
