package config

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// consumerClientKeys are the keys of an oauth2 scheme's consumerCredentials entry.
var consumerClientKeys = map[string]bool{"clientId": true, "clientSecret": true}

// checkOAuth2Consumers checks the shape of an oauth2 scheme's consumerCredentials before any
// grant is compiled: client credentials only (a token exchange already acts for the user whose
// token it exchanges), no shared clientId/clientSecret beside them (a consumer without an entry
// is refused, never given the scheme's client), and strict {clientId, clientSecret} entries.
func checkOAuth2Consumers(path string, s gjson.Result, flow string) error {
	at := join(path, "consumerCredentials")
	if flow != "client_credentials" {
		return configerr.At(at, "is only supported with flows.clientCredentials: a token exchange already "+
			"acts for the authenticated user whose token it exchanges")
	}
	for _, k := range [...]string{"clientId", "clientSecret"} {
		if s.Get(k).Exists() {
			return configerr.Atf(join(path, k), "must not be set with consumerCredentials: each consumer's "+
				"own clientId and clientSecret are used, never a shared client")
		}
	}
	m := s.Get("consumerCredentials")
	if len(m.Map()) == 0 {
		return configerr.At(at, "must name at least one consumer")
	}
	var err error
	m.ForEach(func(k, v gjson.Result) bool {
		err = checkConsumerClient(join(at, shownKey(k.Str)), k.Str, v)
		return err == nil
	})
	return err
}

func checkConsumerClient(p, name string, v gjson.Result) error {
	if name == "" {
		return configerr.At(p, "consumer name must not be empty")
	}
	if !v.IsObject() {
		return configerr.At(p, "must be an object {clientId, clientSecret} for type oauth2")
	}
	var err error
	v.ForEach(func(k, f gjson.Result) bool {
		switch {
		case !consumerClientKeys[k.Str]:
			err = configerr.At(join(p, shownKey(k.Str)), "unknown key (allowed: clientId, clientSecret)")
		case f.Type != gjson.String:
			err = configerr.At(join(p, k.Str), "must be a string")
		}
		return err == nil
	})
	return err
}

// compileConsumerGrants compiles one grant per consumer of oauth2 scheme s (shape checked by
// checkOAuth2Consumers). Each grant has its own client, so the token cache, keyed by the
// client id and a digest of the secret, holds one token per consumer.
func compileConsumerGrants(path string, s gjson.Result, env security.Env) (map[string]*oauth2.Grant, []configerr.Warning, error) {
	at := join(path, "consumerCredentials")
	out := map[string]*oauth2.Grant{}
	var warns []configerr.Warning
	var err error
	s.Get("consumerCredentials").ForEach(func(k, v gjson.Result) bool {
		p := join(at, shownKey(k.Str))
		if _, dup := out[k.Str]; dup {
			err = configerr.At(p, "duplicate consumer")
			return false
		}
		cl := grantClient{id: v.Get("clientId").Str, idPath: join(p, "clientId"),
			secret: v.Get("clientSecret").Str, secretPath: join(p, "clientSecret")}
		var g *oauth2.Grant
		var w []configerr.Warning
		if g, w, err = compileGrant(path, s, env, cl); err != nil {
			return false
		}
		out[k.Str] = g
		warns = appendNew(warns, w)
		return true
	})
	if err != nil {
		return nil, nil, err
	}
	return out, warns, nil
}

// appendNew appends the warnings of w not yet in warns: the plain-http token URL warning is
// the same for every consumer and is given once.
func appendNew(warns, w []configerr.Warning) []configerr.Warning {
	for _, x := range w {
		seen := false
		for _, y := range warns {
			seen = seen || x == y
		}
		if !seen {
			warns = append(warns, x)
		}
	}
	return warns
}
