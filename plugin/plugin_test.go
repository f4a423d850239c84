package main

import (
	"testing"

	"github.com/higress-group/wasm-go/pkg/test"
)

// TestPlugin runs every plugin group twice: in Go mode and through the real
// .wasm in wazero. One RunTest keeps it to one wasm VM (compiling the module
// is most of the cost); each case still starts its own plugin instance.
func TestPlugin(t *testing.T) {
	test.RunTest(t, func(t *testing.T) {
		t.Run("ToolCallForwarding", groupToolCallForwarding)
		t.Run("CredentialRefusals", groupCredentialRefusals)
		t.Run("ConfigErrors", groupConfigErrors)
		t.Run("ChunkedRequestBody", groupChunkedRequestBody)
		t.Run("EnvCredentialMissing", groupEnvCredentialMissing)
		t.Run("HigressConfigExchanges", groupHigressConfigExchanges)
		t.Run("Protocol", groupProtocol)
		t.Run("OversizedBodyWithoutContentLength", groupOversizedBodyWithoutContentLength)
		t.Run("ResponseConversion", groupResponseConversion)
		t.Run("LocalTool", groupLocalTool)
		t.Run("ArgumentValidation", groupArgumentValidation)
		t.Run("PassthroughAuthHeader", groupPassthroughAuthHeader)
		t.Run("AllowTools", groupAllowTools)
		t.Run("CORS", groupCORS)
		t.Run("DeepNesting", groupDeepNesting)
		t.Run("ArgumentsDepthLimit", groupArgumentsDepthLimit)
		t.Run("HostileBackend", groupHostileBackend)
		t.Run("AccessLogPath", groupAccessLogPath)
		t.Run("StateChecks", groupStateChecks)
		t.Run("DuplicatesAndUTF8", groupDuplicatesAndUTF8)
		t.Run("AllowToolsHeaders", groupAllowToolsHeaders)
		t.Run("LoopbackOrigins", groupLoopbackOrigins)
		t.Run("LegacyOnly", groupLegacyOnly)
		t.Run("ClientAddress", groupClientAddress)
		t.Run("TemplateHardening", groupTemplateHardening)
		t.Run("Redaction", groupRedaction)
		t.Run("RedactionOAuth2", groupRedactionOAuth2)
		t.Run("RedactionOAuth2ClientSecret", groupRedactionOAuth2ClientSecret)
		t.Run("Metrics", groupMetrics)
		t.Run("ClientAuthenticate", groupClientAuthenticate)
		t.Run("ClientAuthorize", groupClientAuthorize)
		t.Run("ClientAuthOptional", groupClientAuthOptional)
		t.Run("ClientAuthTrustedHeader", groupClientAuthTrustedHeader)
		t.Run("ResourceMetadata", groupResourceMetadata)
		t.Run("ClientAuthConfig", groupClientAuthConfig)
		t.Run("ClientAuthSecrets", groupClientAuthSecrets)
		t.Run("ClientAuthBeforeOAuth2", groupClientAuthBeforeOAuth2)
		t.Run("Audit", groupAudit)
		t.Run("ClientAuthObservability", groupClientAuthObservability)
		t.Run("ConsumerCredentials", groupConsumerCredentials)
		t.Run("ConsumerCredentialsRefused", groupConsumerCredentialsRefused)
		t.Run("ConsumerCredentialsRedacted", groupConsumerCredentialsRedacted)
		t.Run("ClientAuthJWKSURI", groupClientAuthJWKSURI)
		t.Run("OAuth2ConsumerCredentials", groupOAuth2ConsumerCredentials)
		t.Run("OAuth2ConsumerPost", groupOAuth2ConsumerPost)
		t.Run("OAuth2ConsumerCredentialsRefused", groupOAuth2ConsumerCredentialsRefused)
		t.Run("OAuth2ConsumerCredentialsRedacted", groupOAuth2ConsumerCredentialsRedacted)
		t.Run("StateRecycling", groupStateRecycling)
		t.Run("LogLevel", groupLogLevel)
		t.Run("HostProperties", groupHostProperties)
		t.Run("ResponseBound", groupResponseBound)
		t.Run("MatchRules", groupMatchRules)
	})
}
