package rest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

func validateTool(t *testing.T) *Tool {
	t.Helper()
	spec := ToolSpec{Name: "v", Args: []ArgSpec{
		{Name: "city", Type: "string", Required: true},
		{Name: "units", Type: "string", Enum: []byte(`["metric","imperial"]`)},
		{Name: "days", Type: "integer"},
		{Name: "ratio", Type: "float"},
		{Name: "on", Type: "bool"},
		{Name: "tags", Type: "array"},
		{Name: "opts", Type: "object"},
		{Name: "level", Type: "integer", Enum: []byte(`[1,2,3]`)},
		{Name: "anything"},
	}, Response: ResponseTemplateSpec{Body: "ok"}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	return tool
}

func TestPrepareValidates(t *testing.T) {
	tool := validateTool(t)
	cases := []struct{ name, args, want string }{
		{"all good", `{"city":"Oslo","units":"metric","days":3,"ratio":0.5,"on":true,"tags":[],"opts":{},"level":2,"anything":[1]}`, ""},
		{"strings coerced as Higress does", `{"city":"Oslo","days":"3","ratio":"1.5e2","on":"false","level":"3"}`, ""},
		{"integral number with a fraction part", `{"city":"Oslo","days":3.0}`, ""},
		{"null counts as absent", `{"city":"Oslo","units":null}`, ""},
		{"undeclared arguments are ignored", `{"city":"Oslo","extra":{"x":1}}`, ""},
		{"no arguments at all", ``, `invalid arguments: missing required "city"`},
		{"null arguments", `null`, `invalid arguments: missing required "city"`},
		{"arguments not an object", `["Oslo"]`, `invalid arguments: arguments must be a JSON object`},
		{"required null", `{"city":null}`, `invalid arguments: missing required "city"`},
		{"messages in declaration order, no values", `{"level":7,"units":"kelvin","city":"Oslo","days":2.5,"ratio":"x","on":"yes","tags":"a","opts":[]}`,
			`invalid arguments: "units" must be one of [metric imperial]; "days" must be an integer; "ratio" must be a number; ` +
				`"on" must be a boolean; "tags" must be an array; "opts" must be an object; "level" must be one of [1 2 3]`},
		{"string must not be a number", `{"city":12}`, `invalid arguments: "city" must be a string`},
		{"first occurrence wins", `{"city":"Oslo","days":"x","days":4}`, `invalid arguments: "days" must be an integer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := validate(tool, gjson.Parse(c.args))
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			var ce *CallError
			require.True(t, errors.As(err, &ce), "want *CallError, got %v", err)
			assert.Equal(t, c.want, ce.Msg)
		})
	}
}

func TestPrepareManyArgs(t *testing.T) {
	var specs []ArgSpec
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r"} {
		specs = append(specs, ArgSpec{Name: n, Type: "integer", Required: true})
	}
	tool, _, err := CompileTool("tools[0]", ToolSpec{Name: "many", Args: specs, Response: ResponseTemplateSpec{Body: "ok"}}, nil, nil)
	require.NoError(t, err)
	err = validate(tool, gjson.Parse(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":"x"}`))
	assert.EqualError(t, err, `invalid arguments: "q" must be an integer; missing required "r"`)
}

func TestCoerceRendering(t *testing.T) {
	cases := []struct {
		typ, value, text, json string
	}{
		{"integer", `"42"`, "42", "42"},
		{"integer", `"+7"`, "7", "7"},
		{"integer", `5.0`, "5", "5"},
		{"integer", `"4.5"`, "4.5", `"4.5"`},
		{"number", `"1.50"`, "1.5", "1.5"},
		{"number", `1e21`, "1e+21", "1e+21"},
		{"number", `0.0000001`, "1e-7", "1e-7"},
		{"number", `12345678901234567890`, "12345678901234567890", "12345678901234567890"},
		{"boolean", `"true"`, "true", "true"},
		{"boolean", `"yes"`, "yes", `"yes"`},
		{"string", `" 5 "`, " 5 ", `" 5 "`},
		{"object", "{ \"a\" : [ 1, \"b c\" ] }", `{"a":[1,"b c"]}`, `{"a":[1,"b c"]}`},
	}
	for _, c := range cases {
		typ, _, _ := parseType(c.typ)
		v := coerce(gjson.Parse(c.value), typ)
		assert.Equal(t, c.text, argText(v), "text of %s %s", c.typ, c.value)
		assert.Equal(t, c.json, string(appendArgJSON(nil, v)), "JSON of %s %s", c.typ, c.value)
	}
}
