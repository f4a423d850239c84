package convert

import (
	"errors"
	"strings"
	"testing"
)

func TestIncludeExclude(t *testing.T) {
	data := readDoc(t, "security.yaml")
	for _, c := range []struct {
		include, exclude []string
		want             string
	}{
		{nil, nil, "list_orders create_order get_order delete_order get_health partner_orders get_report get_report_2"},
		{[]string{"*Order*"}, nil, "list_orders create_order get_order delete_order partner_orders"},
		{[]string{"/orders", "/orders/*"}, []string{"delete*"}, "list_orders create_order get_order"},
		{nil, []string{"/reports/*", "/health"}, "list_orders create_order get_order delete_order partner_orders"},
	} {
		res, err := Convert(data, Options{Include: c.include, Exclude: c.exclude})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range res.Config.Tools {
			names = append(names, tool.Name)
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("include %v exclude %v: %s, want %s", c.include, c.exclude, got, c.want)
		}
	}
}

// TestSecurityChoices checks the alternative each operation of security.yaml gets and that
// every tool without an applicable alternative is still emitted with a warning naming it.
func TestSecurityChoices(t *testing.T) {
	res, err := Convert(readDoc(t, "security.yaml"), Options{ServerName: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"list_orders": "oauth_cc", "create_order": "oauth_cc-2", "get_order": "session",
		"delete_order": "", "get_health": "", "partner_orders": "", "get_report": "basic", "get_report_2": "basic"}
	for _, tool := range res.Config.Tools {
		id, _ := tool.Request.Security["id"].(string)
		if id != want[tool.Name] {
			t.Errorf("%s: scheme %q, want %q", tool.Name, id, want[tool.Name])
		}
	}
	warned := strings.Join(res.Warnings, "\n")
	for _, s := range []string{"deleteOrder (DELETE /orders/{orderId})", "tenant AND partner_key", "oidc: openIdConnect",
		"getOrder (GET /orders/{orderId})", "user_code: oauth2 authorizationCode", "parameter SESSION (cookie) dropped"} {
		if !strings.Contains(warned, s) {
			t.Errorf("warnings lack %q:\n%s", s, warned)
		}
	}
	if len(res.Warnings) != 3 {
		t.Errorf("%d warnings, want 3:\n%s", len(res.Warnings), warned)
	}
	var vars []string
	for _, v := range res.Variables {
		vars = append(vars, v.Name)
	}
	if got := strings.Join(vars, " "); got != "ORDERS_OAUTH_CC_CLIENT_SECRET ORDERS_SESSION ORDERS_BASIC" {
		t.Errorf("variables: %s", got)
	}
}

func TestTemplate(t *testing.T) {
	tmpl := []byte(`
server:
  config: {appCode: "${APP_CODE}"}
tools:
  requestTemplate:
    headers:
    - {key: X-Ca-Nonce, value: "{{uuidv4}}"}
  responseTemplate:
    prependBody: "Result:\n"
`)
	res, err := Convert(readDoc(t, "openapi31.yaml"), Options{Template: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Config.Tools {
		if len(tool.Request.Headers) != 1 || tool.Request.Headers[0] != [2]string{"X-Ca-Nonce", "{{uuidv4}}"} ||
			tool.Response == nil || tool.Response.PrependBody != "Result:\n" {
			t.Fatalf("%s: template not applied: %+v %+v", tool.Name, tool.Request.Headers, tool.Response)
		}
	}
	if res.Config.Server.Config["appCode"] != "${APP_CODE}" {
		t.Fatalf("server.config: %v", res.Config.Server.Config)
	}
	if _, err := res.Validate(); err != nil {
		t.Fatal(err)
	}
	_, err = Convert(readDoc(t, "openapi31.yaml"), Options{Template: []byte("tools:\n  security: {id: nope}\n")})
	var te *TemplateError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), `security id "nope"`) {
		t.Fatalf("err = %v, want a TemplateError naming the id", err)
	}
}

func TestNotOpenAPI(t *testing.T) {
	for _, in := range []string{"", "{}", "hello: world", "[1,2]", "openapi: 3.0.0\npaths: 7"} {
		_, err := Convert([]byte(in), Options{})
		var pe *ParseError
		if in != "openapi: 3.0.0\npaths: 7" && !errors.As(err, &pe) {
			t.Errorf("%q: err = %v, want a ParseError", in, err)
		}
	}
}
