// Hostile plugin configurations: each must make proxy_on_configure return
// false (the plugin refuses to start) without a trap, with a log line that
// says why and without quoting the planted secret. `config` turns the
// petstore config's JSON text into the config to start with.

const nest = (n) => '['.repeat(n) + ']'.repeat(n);

export default [
  {
    name: 'config nested 100000 deep in a tool', logMentions: 'nested deeper than',
    config: (json) => json.replace('"description":"List pets', `"x":${nest(100000)},"description":"List pets`),
  },
  { name: 'config nested 1000000 deep at the top', logMentions: 'nested deeper than', config: () => nest(1000000) },
  { name: 'config is not JSON', logMentions: 'not valid JSON', config: (json) => json.slice(0, 100) },
  {
    name: 'a credential in a malformed header name', logMentions: 'tools[0].requestTemplate.headers[0].key', secrets: ['sk-v8-planted-77'],
    config: (json) => json.replace('"key":"Accept"', '"key":"Authorization: Bearer sk-v8-planted-77"'),
  },
];
