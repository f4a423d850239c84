package config

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// TestErrorsNeverContainCredentials: configs that fail at every stage, with plantedSecret in
// each credential position (literal and resolved from the environment) and in server.config.
func TestErrorsNeverContainCredentials(t *testing.T) {
	s := plantedSecret
	badEnv := security.Env(func(string) (string, bool) { return "has space " + s, true })
	cases := []struct {
		name, data string
		env        security.Env
		want       string
	}{
		{"malformed bearer default", withSchemes(`"securitySchemes":[{"id":"b","type":"http","scheme":"bearer","defaultCredential":"x y `+s+`"}]`, getTool("t")),
			secretEnv, "server.securitySchemes[0].defaultCredential: "},
		{"basic default without colon", withSchemes(`"securitySchemes":[{"id":"b","type":"http","scheme":"basic","defaultCredential":"`+s+`"}]`, getTool("t")),
			secretEnv, "server.securitySchemes[0].defaultCredential: "},
		{"malformed value from env", withSchemes(`"securitySchemes":[{"id":"b","type":"http","scheme":"bearer","defaultCredential":"${TOKEN}"}]`, getTool("t")),
			badEnv, "server.securitySchemes[0].defaultCredential: "},
		{"malformed override", withSchemes(`"securitySchemes":[`+keyHeader+`],"defaultUpstreamSecurity":{"id":"key","credential":"a\n`+s+`"}`, getTool("t")),
			secretEnv, "server.defaultUpstreamSecurity.credential: "},
		{"credential of the wrong JSON type", withSchemes(`"securitySchemes":[{"id":"b","type":"http","scheme":"bearer","defaultCredential":{"v":"`+s+`"}}]`, getTool("t")),
			secretEnv, "server.securitySchemes[0].defaultCredential: must be a string, not an object"},
		{"credential without scheme", cfg(`{"name":"t","requestTemplate":{"url":"/x","method":"GET","security":{"id":"nope","credential":"` + s + `"}}}`),
			secretEnv, "tools[0].requestTemplate.security.id: unknown security scheme"},
		{"config value and a later error", `{"server":{"name":"s","config":{"token":"` + s + `"}},"tools":[{"name":"t","requestTemplate":{"url":"/x?k={{.config.token}}","method":"GET","bogus":1}}]}`,
			secretEnv, "tools[0].requestTemplate.bogus: unknown key"},
		{"config with duplicate key", `{"server":{"name":"s","config":{"token":"` + s + `","token":"` + s + `"}},"tools":[]}`,
			secretEnv, "server.config.token: duplicate key"},
		{"env value carried by a query key scheme", withSchemes(`"securitySchemes":[`+keyQuery+`],"defaultUpstreamSecurity":{"id":"q","credential":"${K}"}`,
			`{"name":"t","args":[{"name":"appid","position":"query"}],"requestTemplate":{"url":"/x","method":"GET"}}`),
			secretEnv, `tools[0].args[0]: arg "appid"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data), c.env)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want prefix %q", err, c.want)
			}
			if strings.Contains(err.Error(), s) {
				t.Errorf("error contains the credential: %q", err)
			}
		})
	}
}

// plantSecrets puts plantedSecret into every credential field and server.config value present.
func plantSecrets(data []byte) []byte {
	root := gjson.ParseBytes(data)
	out := data
	set := func(path string) {
		if b, err := sjson.SetBytes(out, path, plantedSecret); err == nil {
			out = b
		}
	}
	for i := range root.Get("server.securitySchemes").Array() {
		set("server.securitySchemes." + strconv.Itoa(i) + ".defaultCredential")
	}
	if root.Get("server.defaultUpstreamSecurity").IsObject() {
		set("server.defaultUpstreamSecurity.credential")
	}
	for i, tool := range root.Get("tools").Array() {
		if tool.Get("requestTemplate.security").IsObject() {
			set("tools." + strconv.Itoa(i) + ".requestTemplate.security.credential")
		}
	}
	root.Get("server.config").ForEach(func(k, _ gjson.Result) bool {
		set("server.config." + gjson.Escape(k.Str))
		return true
	})
	return out
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		cfg(getTool("a")),
		string(readRepoFile(f, "spec.yaml")), // YAML: not JSON
		withSchemes(`"securitySchemes":[`+bearerScheme+`,`+keyHeader+`,`+keyQuery+`],"defaultUpstreamSecurity":{"id":"key","credential":"${K}"},"config":{"t":"v"}`,
			`{"name":"a","args":[{"name":"q","position":"query"}],"requestTemplate":{"url":"/x?appid={{.config.t}}","method":"GET","security":{"id":"q","credential":"c"}}}`),
	}
	for _, c := range errorCases {
		seeds = append(seeds, c.data)
	}
	for _, name := range []string{"petstore.yaml", "weather.yaml"} {
		seeds = append(seeds, string(yamlConfig(f, name)))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if strings.Contains(string(data), plantedSecret) {
			return // a value written as-is (e.g. as a tool name) may be quoted
		}
		_, err := Parse(data, secretEnv)
		if err != nil && strings.Contains(err.Error(), plantedSecret) {
			t.Fatalf("error reveals a value resolved from the environment: %q", err)
		}
		if !gjson.ValidBytes(data) {
			return
		}
		planted := plantSecrets(data)
		if _, err := Parse(planted, secretEnv); err != nil && strings.Contains(err.Error(), plantedSecret) {
			t.Fatalf("error reveals a planted credential: %q\nconfig: %s", err, planted)
		}
	})
}
