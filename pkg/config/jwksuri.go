package config

import (
	neturl "net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
)

// jwksURI reads jwt.jwksUri and jwt.jwksCluster into c: the plugin fetches the JWKS through
// the cluster (pkg/jwks). The cluster defaults as oauth2's tokenCluster does (the Higress
// cluster of a DNS service). Plain http is allowed with a warning: the keys could be swapped
// on the way, and then anyone could mint tokens.
func jwksURI(c *clientauth.JWTConfig, raw string, cluster gjson.Result) ([]configerr.Warning, error) {
	path := clientAuthPath + ".jwt"
	u, err := neturl.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, configerr.Atf(path+".jwksUri", "must be an absolute https URL without user info or fragment")
	}
	c.JWKSURI, c.JWKSCluster = raw, oauth2.FQDNCluster(u)
	if cluster.Exists() {
		if cluster.Str == "" || strings.ContainsAny(cluster.Str, " \t\r\n") {
			return nil, configerr.Atf(path+".jwksCluster", "must be a cluster name without whitespace")
		}
		c.JWKSCluster = cluster.Str
	}
	if u.Scheme == "http" {
		return []configerr.Warning{{Path: path + ".jwksUri",
			Msg: "JWKS URL is plain http: the keys that decide who is authenticated travel unprotected"}}, nil
	}
	return nil, nil
}
