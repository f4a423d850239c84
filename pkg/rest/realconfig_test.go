package rest

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// realTool compiles one tool of a real Higress config of the corpus (read in place, not copied;
// skipped without the corpus, see testutil.HigressConfigs).
func realTool(t *testing.T, config, name string) *Tool {
	t.Helper()
	cfg := loadYAML(t, testutil.HigressConfig(t, config))
	for i, spec := range specsFromConfig(cfg) {
		if spec.Name == name {
			tool, _, err := CompileTool("tools["+strconv.Itoa(i)+"]", spec, []byte(cfg.Get("server.config").Raw), nil)
			require.NoError(t, err)
			return tool
		}
	}
	t.Fatalf("%s: no tool %q", config, name)
	return nil
}

// mcp-openweather's responseTemplate reads {{.args.city}}: empty in Higress, filled here.
func TestOpenWeatherResponseSeesArgs(t *testing.T) {
	tool := realTool(t, "mcp-openweather.yaml", "get_weather")
	body := `{"weather":[{"id":500,"description":"light rain"}],"main":{"temp":12.5,"humidity":81},"wind":{"speed":3.6},"name":"Suzhou"}`
	got := convert(tool, 200, "application/json; charset=utf-8", []byte(body), gjson.Parse(`{"city":"苏州"}`), 512)
	assert.Equal(t, "{\n  \"description\": \"light rain\",\n  \"temperature\": 12.5,\n  \"humidity\": 81,\n"+
		"  \"wind_speed\": 3.6,\n  \"city\": \"苏州\"\n}\n", gjson.GetBytes(got, "content.0.text").Str)
	assert.False(t, gjson.GetBytes(got, "isError").Bool())

	var r Request
	require.NoError(t, build(tool, gjson.Parse(`{"city":"苏州"}`), nil, &r))
	assert.Equal(t, "http://api.openweathermap.org/data/2.5/weather?city=%E8%8B%8F%E5%B7%9E&units=metric&lang=zh_cn",
		r.Scheme+"://"+r.Authority+r.URI())
}

// mcp-openweather's forecast template fails at execution in Higress too; we say where, without data.
func TestOpenWeatherForecastTemplateFailure(t *testing.T) {
	tool := realTool(t, "mcp-openweather.yaml", "get_weather_forecast")
	body := `{"list":[{"dt_txt":"2025-01-01 00:00:00","weather":[{"description":"secret-sky"}],"main":{"temp_min":1,"temp_max":2,"humidity":3},"wind":{"speed":4}}]}`
	got := convert(tool, 200, "application/json", []byte(body), gjson.Parse(`{"city":"Oslo"}`), 512)
	assert.True(t, gjson.GetBytes(got, "isError").Bool())
	assert.Regexp(t, `^responseTemplate could not be rendered: responseTemplate:\d+:\d+: executing "responseTemplate" at <.+>$`,
		gjson.GetBytes(got, "content.0.text").Str)
	assert.NotContains(t, string(got), "secret-sky")
}

// mcp-time answers locally with sprig's dateInZone over .args.timeZone (default Asia/Shanghai).
func TestTimeLocalResult(t *testing.T) {
	tool := realTool(t, "mcp-time.yaml", "get-current-time")
	assert.False(t, tool.HasUpstream())
	text := gjson.GetBytes(localResult(tool, gjson.Parse(`{"timeZone":"Europe/London"}`)), "content.0.text").Str
	assert.Regexp(t, regexp.MustCompile(`^[A-Z][a-z]+day, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`), text)
	// sprig falls back to UTC for an unknown zone (as in Higress)
	utc := localResult(tool, gjson.Parse(`{"timeZone":"Nowhere/City"}`))
	assert.False(t, gjson.GetBytes(utc, "isError").Bool(), string(utc))
}

// mcp-blockscout renders 16 tools with {{ . }}: the text is exactly what Higress renders, the
// backend's JSON, with no "args" member added.
func TestBlockscoutRootTemplateIsTheBody(t *testing.T) {
	cfg := loadYAML(t, testutil.HigressConfig(t, "mcp-blockscout.yaml"))
	body, err := os.ReadFile("testdata/blockscout_block_info.json")
	require.NoError(t, err)
	args := gjson.Parse(`{"chain_id":"1","number_or_hash":"19000000","include_transactions":true}`)
	n := 0
	for _, tj := range cfg.Get("tools").Array() {
		src := tj.Get("responseTemplate.body").Str
		if strings.TrimSpace(src) != "{{ . }}" {
			continue
		}
		n++
		tool := realTool(t, "mcp-blockscout.yaml", tj.Get("name").Str)
		got := gjson.GetBytes(convert(tool, 200, "application/json", body, withRequired(args, tj), 512), "content.0.text").Str
		want, err := render(t, src, body) // Higress: the response template over the body alone
		require.NoError(t, err)
		assert.Equal(t, want, got, tj.Get("name").Str)
		assert.Equal(t, string(body)+"\n", got, tj.Get("name").Str) // the body as sent, then the template's newline
	}
	assert.Equal(t, 16, n, "tools of mcp-blockscout rendering {{ . }}")
}

// withRequired adds a value of the declared type for each required arg of tool tj that args
// lacks, so the call is valid.
func withRequired(args, tj gjson.Result) gjson.Result {
	raw := args.Raw
	for _, a := range tj.Get("args").Array() {
		name := a.Get("name").Str
		if !a.Get("required").Bool() || args.Get(gjson.Escape(name)).Exists() {
			continue
		}
		v := `"1"`
		switch a.Get("type").Str {
		case "integer", "number", "int", "float":
			v = "1"
		case "boolean", "bool":
			v = "true"
		case "array":
			v = "[]"
		case "object":
			v = "{}"
		}
		raw = raw[:len(raw)-1] + `,` + q(name) + `:` + v + `}`
	}
	return gjson.Parse(raw)
}
