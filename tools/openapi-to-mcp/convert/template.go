package convert

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// template is Higress's --template patch: server.config entries are added, server
// securitySchemes replace the generated ones, and the tools block is merged into every tool
// (headers appended, the other set fields replaced).
type template struct {
	Server struct {
		Config          map[string]any   `yaml:"config"`
		SecuritySchemes []map[string]any `yaml:"securitySchemes"`
	} `yaml:"server"`
	Tools struct {
		RequestTemplate *struct {
			Headers []struct {
				Key   string `yaml:"key"`
				Value string `yaml:"value"`
			} `yaml:"headers"`
			Body           string         `yaml:"body"`
			ArgsToJSONBody bool           `yaml:"argsToJsonBody"`
			ArgsToURLParam bool           `yaml:"argsToUrlParam"`
			ArgsToFormBody bool           `yaml:"argsToFormBody"`
			Security       map[string]any `yaml:"security"`
		} `yaml:"requestTemplate"`
		ResponseTemplate *Response      `yaml:"responseTemplate"`
		Security         map[string]any `yaml:"security"`
		OutputSchema     map[string]any `yaml:"outputSchema"`
	} `yaml:"tools"`
}

// TemplateError is a --template that is not a valid patch.
type TemplateError struct{ Err error }

func (e *TemplateError) Error() string { return "openapi: template: " + e.Err.Error() }

func applyTemplate(c *Config, data []byte) error {
	var t template
	if err := yaml.Unmarshal(data, &t); err != nil {
		return &TemplateError{Err: err}
	}
	if len(t.Server.Config) > 0 && c.Server.Config == nil {
		c.Server.Config = map[string]any{}
	}
	for k, v := range t.Server.Config {
		c.Server.Config[k] = normalize(v)
	}
	if len(t.Server.SecuritySchemes) > 0 {
		c.Server.SecuritySchemes = nil
		for _, s := range t.Server.SecuritySchemes {
			c.Server.SecuritySchemes = append(c.Server.SecuritySchemes, &Scheme{Raw: normalize(s).(map[string]any)})
		}
	}
	for _, tool := range c.Tools {
		if rt := t.Tools.RequestTemplate; rt != nil {
			for _, h := range rt.Headers {
				tool.Request.Headers = append(tool.Request.Headers, [2]string{h.Key, h.Value})
			}
			if rt.Body != "" {
				tool.Request.Body = rt.Body
			}
			tool.Request.ArgsToJSONBody = tool.Request.ArgsToJSONBody || rt.ArgsToJSONBody
			tool.Request.ArgsToURLParam = tool.Request.ArgsToURLParam || rt.ArgsToURLParam
			tool.Request.ArgsToFormBody = tool.Request.ArgsToFormBody || rt.ArgsToFormBody
			if rt.Security != nil {
				tool.Request.Security = rt.Security
			}
		}
		if r := t.Tools.ResponseTemplate; r != nil {
			if tool.Response == nil {
				tool.Response = &Response{}
			}
			for _, f := range [][2]*string{{&tool.Response.Body, &r.Body}, {&tool.Response.PrependBody, &r.PrependBody},
				{&tool.Response.AppendBody, &r.AppendBody}} {
				if *f[1] != "" {
					*f[0] = *f[1]
				}
			}
		}
		if t.Tools.Security != nil {
			tool.Security = t.Tools.Security
		}
		if t.Tools.OutputSchema != nil {
			tool.OutputSchema = normalize(t.Tools.OutputSchema).(map[string]any)
		}
	}
	if len(t.Server.SecuritySchemes) > 0 {
		return nil
	}
	return checkTemplateIDs(c)
}

// checkTemplateIDs refuses a template that points tools at a scheme nobody defines.
func checkTemplateIDs(c *Config) error {
	ids := map[string]bool{}
	for _, s := range c.Server.SecuritySchemes {
		ids[s.ID] = true
	}
	for _, t := range c.Tools {
		for _, r := range []map[string]any{t.Request.Security, t.Security} {
			if id, ok := r["id"].(string); ok && !ids[id] {
				return &TemplateError{Err: fmt.Errorf("tool %s: security id %q is not a scheme of the result", t.Name, id)}
			}
		}
	}
	return nil
}
