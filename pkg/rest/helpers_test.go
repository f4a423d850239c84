package rest

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// specsFromConfig decodes a Higress mcp-server config (JSON) into ToolSpecs the way pkg/config
// does (keys as Higress reads them; other arg keys go to Extra).
func specsFromConfig(cfg gjson.Result) []ToolSpec {
	var out []ToolSpec
	for _, tj := range cfg.Get("tools").Array() {
		spec := ToolSpec{
			Name:                  tj.Get("name").Str,
			Description:           tj.Get("description").Str,
			ErrorResponseTemplate: tj.Get("errorResponseTemplate").Str,
			OutputSchema:          rawOrNil(tj.Get("outputSchema")),
			Response: ResponseTemplateSpec{
				Body:        tj.Get("responseTemplate.body").Str,
				PrependBody: tj.Get("responseTemplate.prependBody").Str,
				AppendBody:  tj.Get("responseTemplate.appendBody").Str,
			},
		}
		byName := map[string]int{}
		for _, a := range tj.Get("args").Array() { // a repeated name: the last wins, required if any is (as pkg/config)
			s := argSpecFrom(a)
			if k, dup := byName[s.Name]; dup {
				s.Required = s.Required || spec.Args[k].Required
				spec.Args[k] = s
				continue
			}
			byName[s.Name] = len(spec.Args)
			spec.Args = append(spec.Args, s)
		}
		if rt := tj.Get("requestTemplate"); rt.IsObject() {
			req := &RequestTemplateSpec{
				URL: rt.Get("url").Str, Method: rt.Get("method").Str, Body: rt.Get("body").Str,
				ArgsToJSONBody: rt.Get("argsToJsonBody").Bool(), ArgsToURLParam: rt.Get("argsToUrlParam").Bool(),
				ArgsToFormBody: rt.Get("argsToFormBody").Bool(),
			}
			for _, h := range rt.Get("headers").Array() {
				req.Headers = append(req.Headers, HeaderSpec{Key: h.Get("key").Str, Value: h.Get("value").String()})
			}
			spec.Request = req
		}
		out = append(out, spec)
	}
	return out
}

var higressArgKeys = map[string]bool{"name": true, "description": true, "type": true, "required": true,
	"default": true, "enum": true, "items": true, "properties": true, "position": true}

func argSpecFrom(a gjson.Result) ArgSpec {
	s := ArgSpec{
		Name: a.Get("name").Str, Description: a.Get("description").Str, Type: a.Get("type").Str,
		Required: a.Get("required").Bool(), Position: a.Get("position").Str,
		Default: rawOrNil(a.Get("default")), Items: rawOrNil(a.Get("items")),
		Properties: rawOrNil(a.Get("properties")),
	}
	if e := a.Get("enum"); len(e.Array()) > 0 {
		s.Enum = []byte(e.Raw)
	}
	a.ForEach(func(k, v gjson.Result) bool {
		if !higressArgKeys[k.Str] && v.Type != gjson.Null {
			s.Extra = append(s.Extra, [2]string{k.Str, v.Raw})
		}
		return true
	})
	return s
}

func rawOrNil(r gjson.Result) []byte {
	if !r.Exists() || r.Type == gjson.Null {
		return nil
	}
	return []byte(r.Raw)
}

// loadYAML reads a YAML config as the JSON the plugin receives.
func loadYAML(t testing.TB, path string) gjson.Result {
	t.Helper()
	js, err := testutil.YAMLFileToJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	return gjson.ParseBytes(js)
}

// fixture compiles every tool of testdata/tools.yaml.
type fixture struct {
	tools map[string]*Tool
	warns []configerr.Warning
}

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	cfg := loadYAML(t, filepath.Join("testdata", "tools.yaml"))
	f := &fixture{tools: map[string]*Tool{}}
	for i, spec := range specsFromConfig(cfg) {
		tool, warns, err := CompileTool("tools["+strconv.Itoa(i)+"]", spec, []byte(cfg.Get("server.config").Raw), fixedRand)
		if err != nil {
			t.Fatalf("compile %s: %v", spec.Name, err)
		}
		f.tools[spec.Name] = tool
		f.warns = append(f.warns, warns...)
	}
	return f
}

func (f *fixture) tool(t testing.TB, name string) *Tool {
	t.Helper()
	tool := f.tools[name]
	if tool == nil {
		t.Fatalf("no fixture tool %q", name)
	}
	return tool
}

// fixedRand is the randomness the fixture's tools are compiled with: {{uuidv4}} renders the same
// UUID on every call, so a test can state it.
func fixedRand(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(i * 17)
	}
	return len(b), nil
}

// higressConfigs lists the real Higress configs of the corpus (skipped without it, see
// testutil.HigressConfigs).
func higressConfigs(t testing.TB) []string {
	t.Helper()
	return testutil.HigressConfigs(t)
}

// validate prepares args for tool into a throwaway Call.
func validate(tool *Tool, args gjson.Result) error {
	var c Call
	return tool.Prepare(args, &c)
}

// build prepares args for tool and builds the request into r.
func build(tool *Tool, args gjson.Result, client [][2]string, r *Request) error {
	var c Call
	if err := tool.Prepare(args, &c); err != nil {
		return err
	}
	return c.Build(client, r)
}

// convert prepares args for tool and converts a REST response.
func convert(tool *Tool, status int, contentType string, body []byte, args gjson.Result, maxExcerpt int) []byte {
	var c Call
	if err := tool.Prepare(args, &c); err != nil {
		return ErrorResult(err.Error())
	}
	return c.ConvertResponse(status, contentType, body, maxExcerpt)
}

// localResult prepares args for tool and answers it locally.
func localResult(tool *Tool, args gjson.Result) []byte {
	var c Call
	if err := tool.Prepare(args, &c); err != nil {
		return ErrorResult(err.Error())
	}
	return c.LocalResult()
}
