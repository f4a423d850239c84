package main

import (
	"errors"
	"os"
	"strconv"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/log"
	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jwks"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/redact"
)

const pluginName = "mcp-rest-bridge"

// pluginConfig is what the wrapper stores per rule; it points at the
// immutable, pre-compiled configuration.
type pluginConfig struct {
	cfg    *config.Config
	server *mcp.Server
	// secrets[i] is the set of configured credentials cfg.Tools[i]'s responses are redacted of.
	secrets   []*redact.Set
	finalPass []bool // finalPass[i]: cfg.Tools[i]'s final message gets a second redaction pass
	// metrics are this configuration's counters, defined once at start.
	metrics *metrics.Set
	// bufferLimit is the stream buffer limit as the host property wants it, formatted once.
	bufferLimit []byte
	// jwks is the JWKS of bridge.clientAuth.jwt.jwksUri (nil without it), this worker's.
	jwks *jwks.Cache
	// states is the free list of request states (plugin/pool.go), this worker's.
	states *statePool
}

// errConfigNotJSON is returned before the wrapper sees a configuration that is
// not JSON: the wrapper would otherwise log the whole document, secrets included.
var errConfigNotJSON = errors.New("mcp-rest-bridge: plugin configuration is not valid JSON")

// errConfigTooDeep: gjson's validator recurses per nesting level, so depth
// is checked first, without recursion.
var errConfigTooDeep = errors.New("mcp-rest-bridge: plugin configuration is nested deeper than " +
	strconv.Itoa(config.MaxConfigDepth) + " levels")

// checkRawConfig runs before the wrapper parses the configuration.
func checkRawConfig(wrapper.PluginContext) error {
	tickRegistered = false
	logger.forget() // the level may have changed with the configuration
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil && !errors.Is(err, types.ErrorStatusNotFound) {
		return errors.New("mcp-rest-bridge: cannot read plugin configuration")
	}
	if jsonscan.Deeper(data, config.MaxConfigDepth) {
		return errConfigTooDeep
	}
	if len(data) > 0 && !gjson.ValidBytes(data) {
		return errConfigNotJSON
	}
	startRules = gjson.GetBytes(data, "_rules_").Exists()
	return nil
}

// parseConfig compiles the configuration once; any error fails plugin start
// with a message that starts with the JSON path of the bad field.
func parseConfig(data []byte, pc *pluginConfig) error {
	cfg, err := config.Parse(data, os.LookupEnv)
	if err != nil {
		log.Criticalf("mcp-rest-bridge: invalid configuration: %v", err)
		return err
	}
	for _, w := range cfg.Warnings {
		log.Warnf("mcp-rest-bridge: config warning: %s: %s", w.Path, w.Msg)
	}
	server, err := mcp.NewServer(cfg.MCP, cfg)
	if err != nil {
		log.Criticalf("mcp-rest-bridge: invalid configuration: %v", err)
		return err
	}
	counters := metrics.New(defineCounter, cfg.Names(), oauth2Schemes(cfg))
	cache, err := newTokenCache(cfg, counters) // tokens obtained under a previous configuration stay in shared data only
	if err != nil {
		log.Criticalf("mcp-rest-bridge: invalid configuration: %v", err)
		return err
	}
	pc.secrets, pc.finalPass = toolSecrets(cfg)
	pc.cfg, pc.server = cfg, server
	pc.metrics = counters
	pc.jwks = newJWKSCache(cfg)
	pc.states = newStatePool()
	tokens = cache
	if usesOAuth2(cfg) {
		registerTokenTick() // no ticks for configurations without oauth2
	}
	pc.bufferLimit = []byte(strconv.Itoa(max(cfg.Bridge.MaxRequestBytes, cfg.Bridge.MaxResponseBytes)))
	startGlobal = *pc // without matchRules, the one configuration parsed (pluginContext.OnPluginStart)
	return nil
}
