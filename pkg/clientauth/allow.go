package clientauth

// Allow is a tool's allow rule (tools[].allow): the caller needs every listed scope and, when
// Consumers is not empty, must be one of them. A tool without a rule is open to any
// authenticated caller, and to anonymous ones when authentication is not required.
type Allow struct {
	Scopes    []string
	Consumers []string
}

// Check decides whether id may list and call tool under rule (nil: no rule). An anonymous
// caller facing a rule gets a *MissingError (401: authenticate first); an authenticated one
// that fails the rule gets a *ForbiddenError (403), naming the scopes it lacks.
func Check(rule *Allow, tool string, id Identity) error {
	if rule == nil {
		return nil
	}
	if !id.Authenticated() {
		return &MissingError{Scopes: rule.Scopes}
	}
	var missing []string
	for _, s := range rule.Scopes {
		if !id.HasScope(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return &ForbiddenError{Tool: tool, MissingScopes: missing}
	}
	if len(rule.Consumers) == 0 {
		return nil
	}
	for _, c := range rule.Consumers {
		if c == id.Consumer {
			return nil
		}
	}
	return &ForbiddenError{Tool: tool}
}
