package config

// This file is the single table of every key the plugin configuration accepts. The strict walker
// (walk.go) checks configs against it, and the spec.yaml test checks configSchema against it, so
// the documented schema and the parser cannot drift apart.

// kind is the JSON type a key accepts.
type kind uint8

const (
	kString kind = iota + 1
	kBool
	kInt    // a JSON number with an integral value
	kNumber // any JSON number
	kObject // an object holding only the listed fields
	kArray  // an array whose elements are elem
	kMap    // an object with free-form content (server.config)
	kSchema // a JSON Schema: an object or a boolean, free-form content
	kAny    // any JSON value
)

// field describes one accepted key.
type field struct {
	key      string
	kind     kind
	required bool
	enum     []string // kString: the accepted values, if restricted
	why      string   // kString with enum: why only these values (appended to the error)
	fields   []field  // kObject
	elem     *field   // kArray
}

func str(key string) field                 { return field{key: key, kind: kString} }
func reqStr(key string) field              { return field{key: key, kind: kString, required: true} }
func boolean(key string) field             { return field{key: key, kind: kBool} }
func object(key string, fs ...field) field { return field{key: key, kind: kObject, fields: fs} }
func arrayOf(key string, elem field) field { return field{key: key, kind: kArray, elem: &elem} }

// Positions an arg may name (Higress: query, path, header, cookie, body).
var argPositions = []string{"query", "path", "header", "cookie", "body"}

// wrapperKeys are added by the Higress wasm-go wrapper around the plugin config (rule matching,
// plugin id); the wrapper consumes them and we ignore them.
var wrapperKeys = []string{
	"_plugin_id_", "_rules_", "_match_route_", "_match_domain_", "_match_service_", "_match_route_prefix_",
}

// higressArgKeys are the arg keys Higress's RestToolArg reads; each maps to a rest.ArgSpec field.
var higressArgKeys = []field{
	reqStr("name"),
	str("description"),
	str("type"),
	boolean("required"),
	{key: "default", kind: kAny},
	{key: "enum", kind: kArray, elem: &field{kind: kAny}},
	{key: "items", kind: kSchema},
	{key: "properties", kind: kMap},
	{key: "position", kind: kString, enum: argPositions},
}

// schemaArgKeys are JSON Schema keywords an arg may carry besides Higress's own keys; they are
// passed through verbatim into the tool's inputSchema (rest.ArgSpec.Extra). Content under them
// is free-form JSON Schema.
var schemaArgKeys = []field{
	str("title"), str("format"), str("pattern"), str("$comment"), str("$ref"),
	str("contentEncoding"), str("contentMediaType"),
	{key: "x-mcp-header", kind: kString},
	{key: "minimum", kind: kNumber}, {key: "maximum", kind: kNumber},
	{key: "exclusiveMinimum", kind: kNumber}, {key: "exclusiveMaximum", kind: kNumber},
	{key: "multipleOf", kind: kNumber},
	{key: "minLength", kind: kInt}, {key: "maxLength", kind: kInt},
	{key: "minItems", kind: kInt}, {key: "maxItems", kind: kInt},
	{key: "minProperties", kind: kInt}, {key: "maxProperties", kind: kInt},
	{key: "minContains", kind: kInt}, {key: "maxContains", kind: kInt},
	boolean("uniqueItems"), boolean("deprecated"), boolean("readOnly"), boolean("writeOnly"),
	boolean("nullable"),
	{key: "const", kind: kAny}, {key: "examples", kind: kArray, elem: &field{kind: kAny}},
	{key: "oneOf", kind: kArray, elem: &field{kind: kSchema}},
	{key: "anyOf", kind: kArray, elem: &field{kind: kSchema}},
	{key: "allOf", kind: kArray, elem: &field{kind: kSchema}},
	{key: "prefixItems", kind: kArray, elem: &field{kind: kSchema}},
	{key: "not", kind: kSchema}, {key: "if", kind: kSchema}, {key: "then", kind: kSchema},
	{key: "else", kind: kSchema}, {key: "contains", kind: kSchema},
	{key: "additionalProperties", kind: kSchema}, {key: "unevaluatedProperties", kind: kSchema},
	{key: "unevaluatedItems", kind: kSchema}, {key: "propertyNames", kind: kSchema},
	{key: "contentSchema", kind: kSchema}, {key: "additionalItems", kind: kSchema},
	{key: "patternProperties", kind: kMap}, {key: "dependentSchemas", kind: kMap},
	{key: "dependentRequired", kind: kMap}, {key: "$defs", kind: kMap}, {key: "definitions", kind: kMap},
}

func argField() field {
	fs := append(append([]field{}, higressArgKeys...), schemaArgKeys...)
	return field{kind: kObject, fields: fs}
}

// requirement builds a security requirement object: an id plus the one option it takes.
func requirement(key string, option field) field {
	return object(key, reqStr("id"), option)
}

func serverField() field {
	return field{key: "server", kind: kObject, required: true, fields: []field{
		reqStr("name"),
		str("description"),
		str("version"), // Higress 2.2: serverInfo.version
		{key: "type", kind: kString, enum: []string{"rest"}, why: notREST},
		{key: "config", kind: kMap},
		arrayOf("securitySchemes", object("",
			reqStr("id"), reqStr("type"), str("scheme"), str("in"), str("name"), str("defaultCredential"),
			field{key: "consumerCredentials", kind: kMap}, oauth2Flows(), str("clientId"), str("clientSecret"),
			field{key: "tokenEndpointAuthMethod", kind: kString, enum: []string{"client_secret_basic", "client_secret_post"}},
			str("audience"), str("tokenCluster"))),
		requirement("defaultDownstreamSecurity", boolean("passthrough")),
		requirement("defaultUpstreamSecurity", str("credential")),
		boolean("passthroughAuthHeader"),
	}}
}

// oauth2Flows is an oauth2 scheme's flows (OpenAPI's OAuth Flows Object plus RFC 8693
// tokenExchange). The flows a gateway cannot run are known keys so that they are refused with
// a reason (compileGrant) rather than as unknown.
func oauth2Flows() field {
	flow := func(key string) field {
		return object(key, reqStr("tokenUrl"), str("refreshUrl"), field{key: "scopes", kind: kMap})
	}
	return object("flows", flow("clientCredentials"), flow("tokenExchange"),
		field{key: "authorizationCode", kind: kAny}, field{key: "implicit", kind: kAny}, field{key: "password", kind: kAny})
}

func toolField() field {
	return object("",
		reqStr("name"),
		str("description"),
		boolean("legacyOnly"), // Higress 2.2: served to legacy-era clients only
		arrayOf("args", argField()),
		object("requestTemplate",
			reqStr("url"),
			reqStr("method"),
			arrayOf("headers", object("", reqStr("key"), str("value"))),
			str("body"),
			boolean("argsToJsonBody"),
			boolean("argsToUrlParam"),
			boolean("argsToFormBody"),
			requirement("security", str("credential")),
		),
		object("responseTemplate", str("body"), str("prependBody"), str("appendBody")),
		str("errorResponseTemplate"),
		field{key: "outputSchema", kind: kMap},
		requirement("security", boolean("passthrough")),
		object("allow", arrayOf("scopes", field{kind: kString}), arrayOf("consumers", field{kind: kString})),
	)
}

func bridgeField() field {
	n := func(key string) field { return field{key: key, kind: kInt} }
	return object("bridge",
		arrayOf("allowedOrigins", field{kind: kString}),
		n("maxRequestBodyBytes"),
		n("maxResponseBodyBytes"),
		n("errorExcerptBytes"),
		n("toolsListTTLMs"),
		n("maxJsonDepth"),
		str("serverVersion"),
		boolean("audit"),
		object("tokenCache", object("redis",
			reqStr("serviceName"), n("servicePort"), str("username"), str("password"), n("timeout"), n("database"))),
		clientAuthField(),
	)
}

// rootField is the whole accepted configuration.
var rootField = func() field {
	fs := []field{
		serverField(),
		arrayOf("allowTools", field{kind: kString}),
		{key: "tools", kind: kArray, required: true, elem: ptr(toolField())},
		bridgeField(),
	}
	for _, k := range wrapperKeys {
		fs = append(fs, field{key: k, kind: kAny})
	}
	return field{kind: kObject, fields: fs}
}()

func ptr(f field) *field { return &f }

// lookup returns the field named key among fs, or nil.
func lookup(fs []field, key string) *field {
	for i := range fs {
		if fs[i].key == key {
			return &fs[i]
		}
	}
	return nil
}

// clientAuthField is bridge.clientAuth (pkg/clientauth).
func clientAuthField() field {
	strs := func(key string) field { return arrayOf(key, field{kind: kString}) }
	return object("clientAuth",
		boolean("required"),
		arrayOf("apiKeys", object("", reqStr("consumer"), reqStr("key"))),
		object("jwt", reqStr("issuer"), field{key: "audiences", kind: kArray, required: true, elem: &field{kind: kString}}, str("jwks"), str("jwksUri"), str("jwksCluster"), str("consumerClaim"), str("scopesClaim")),
		str("trustedConsumerHeader"),
		object("resourceMetadata", reqStr("resource"), strs("authorizationServers"), strs("scopesSupported")),
		boolean("allowVerifiedTokenPassthrough"),
	)
}
