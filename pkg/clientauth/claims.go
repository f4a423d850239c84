package clientauth

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// checkClaims checks iss, aud, exp, nbf and iat, then reads the consumer and the scopes.
func (c *JWTConfig) checkClaims(claims map[string]json.RawMessage, now time.Time) (Identity, error) {
	var iss string
	if json.Unmarshal(claims["iss"], &iss) != nil || iss != c.Issuer {
		return Identity{}, invalid(ReasonBadIssuer, "token iss is not the configured issuer")
	}
	if !c.audienceMatches(claims["aud"]) {
		return Identity{}, invalid(ReasonBadAudience, "token aud names none of the configured audiences")
	}
	if err := checkTimes(claims, now); err != nil {
		return Identity{}, err
	}
	var consumer string
	if json.Unmarshal(claims[c.ConsumerClaim], &consumer) != nil || consumer == "" {
		return Identity{}, invalid(ReasonMalformed, "token has no "+c.ConsumerClaim+" claim (a non-empty string)")
	}
	scopes, ok := parseScopes(claims[c.ScopesClaim])
	if !ok {
		return Identity{}, invalid(ReasonMalformed, "token claim "+c.ScopesClaim+" must be a space-separated string or an array of strings")
	}
	return Identity{Consumer: consumer, Scopes: scopes, Kind: KindJWT}, nil
}

func (c *JWTConfig) audienceMatches(raw json.RawMessage) bool {
	var one string
	var many []string
	if json.Unmarshal(raw, &one) == nil {
		many = []string{one}
	} else if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		for _, want := range c.Audiences {
			if a == want {
				return true
			}
		}
	}
	return false
}

// checkTimes: exp is required (an access token without expiry would be valid forever);
// nbf and iat are optional. Each is a JSON number of seconds (RFC 7519 NumericDate).
func checkTimes(claims map[string]json.RawMessage, now time.Time) error {
	exp, ok, err := numericDate(claims, "exp")
	if err != nil {
		return err
	}
	if !ok {
		return invalid(ReasonMalformed, "token has no exp claim")
	}
	if !now.Before(exp.Add(Leeway)) {
		return invalid(ReasonExpired, "token has expired")
	}
	for _, name := range [...]string{"nbf", "iat"} {
		t, ok, err := numericDate(claims, name)
		if err != nil {
			return err
		}
		if ok && now.Add(Leeway).Before(t) {
			return invalid(ReasonNotYetValid, "token is not valid yet ("+name+" is in the future)")
		}
	}
	return nil
}

func numericDate(claims map[string]json.RawMessage, name string) (time.Time, bool, error) {
	raw, ok := claims[name]
	if !ok {
		return time.Time{}, false, nil
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, false, invalid(ReasonMalformed, "token claim "+name+" must be a number of seconds")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// parseScopes reads a scope claim: OAuth's space-separated string (RFC 8693 §4.2, RFC 9068)
// or an array of strings (scp, as some IdPs send it). Absent means no scope.
func parseScopes(raw json.RawMessage) ([]string, bool) {
	if raw == nil {
		return nil, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.Fields(s), true
	}
	var arr []string
	if json.Unmarshal(raw, &arr) != nil {
		return nil, false
	}
	out := arr[:0]
	for _, v := range arr {
		if v != "" {
			out = append(out, v)
		}
	}
	return out, true
}
