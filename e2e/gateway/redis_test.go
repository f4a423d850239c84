package gateway

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/redistest"
)

const redisPassword = "redis-pass-7f3a"

// redisGateway runs the test plugin with wasm-go's Redis client on cluster "redis".
func redisGateway(t *testing.T, redisAddr, password string, db int) (*Gateway, string) {
	t.Helper()
	return startGateway(t, closedAddr(t), closedAddr(t), func(c *Config) {
		c.Workers = 2
		c.Clusters["redis"] = Cluster{Address: redisAddr}
		c.Env["REDIS_PASSWORD"] = password
		c.PluginConfig = fmt.Appendf(nil, `{"secretEnv":"TEST_SECRET","calloutCluster":"auth","redisCluster":"redis","redisPasswordEnv":"REDIS_PASSWORD","redisDB":%d}`, db)
	})
}

func TestRedisCallsReachARealRedis(t *testing.T) {
	srv := redistest.Start(t, redisPassword)
	g, url := redisGateway(t, srv.Addr, redisPassword, 3)
	for _, s := range []struct{ cmd, want string }{
		{"SET greeting hello", "SimpleString OK"},
		{"GET greeting", "BulkString hello"},
		{"INCR hits", "Integer 1"},
		{"INCR hits", "Integer 2"},
		{"GET missing", "BulkString "},
		{"HGET greeting field", "error WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"NOSUCHCOMMAND", "error ERR unknown command 'NOSUCHCOMMAND', with args beginning with: "},
	} {
		got := do(t, "POST", url+"/t/redis", s.cmd, nil)
		if got.status != 200 || got.body != "wrapped:"+s.want {
			t.Errorf("%s: %d %q, want %q", s.cmd, got.status, got.body, s.want)
		}
	}
	// proxy_redis_init's db option selected database 3
	if got, err := srv.Do(3, "GET", "greeting"); err != nil || got != "$5\nhello" {
		t.Errorf("GET greeting in db 3 = %q, %v", got, err)
	}
	if got, err := srv.Do(0, "GET", "greeting"); err != nil || got != "$-1" {
		t.Errorf("GET greeting in db 0 = %q, %v", got, err)
	}
	assertNoSecretInLogs(t, g, redisPassword)
}

func TestRedisIsSharedAcrossGateways(t *testing.T) {
	srv := redistest.Start(t, redisPassword)
	_, url1 := redisGateway(t, srv.Addr, redisPassword, 0)
	_, url2 := redisGateway(t, srv.Addr, redisPassword, 0)
	if got := do(t, "POST", url1+"/t/redis", "SET token replica-one", nil); got.body != "wrapped:SimpleString OK" {
		t.Fatalf("SET on replica 1: %q", got.body)
	}
	if got := do(t, "POST", url2+"/t/redis", "GET token", nil); got.body != "wrapped:BulkString replica-one" {
		t.Errorf("GET on replica 2: %q", got.body)
	}
}

func TestRedisFailuresReachThePluginAsCallFailures(t *testing.T) {
	srv := redistest.Start(t, redisPassword)
	for _, tc := range []struct {
		name, addr, password string
	}{
		{"wrong password", srv.Addr, "not-the-password"},
		{"nothing listening", closedAddr(t), redisPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, url := redisGateway(t, tc.addr, tc.password, 0)
			got := do(t, "POST", url+"/t/redis", "GET greeting", nil)
			if got.status != 200 || got.body != "wrapped:error cannot connect to redis cluster" {
				t.Errorf("reply = %d %q", got.status, got.body)
			}
			assertNoSecretInLogs(t, g, tc.password)
		})
	}
}

func TestRedisInitOfAnUnknownClusterFails(t *testing.T) {
	in := &redisInits{clusters: map[string]redisInit{}}
	clusters := map[string]Cluster{"outbound|6379||redis.local": {Address: "127.0.0.1:1"}}
	for _, tc := range []struct {
		name string
		want uint32
	}{
		{"outbound|6379||redis.local?db=2&buffer_flush_timeout=3&max_buffer_size_before_flush=1024", 0},
		{"outbound|6379||redis.local", 0},
		{"outbound|6379||other.local?db=2", 1},   // NotFound
		{"outbound|6379||redis.local?db=x", 2},   // BadArgument
		{"outbound|6379||redis.local?db=-1", 2},  // BadArgument
		{"outbound|6379||redis.local?db=%zz", 2}, // BadArgument
	} {
		if got := in.init(clusters, tc.name, "", "", 50); uint32(got) != tc.want {
			t.Errorf("init(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := in.clusters["outbound|6379||redis.local"]; got.db != 0 || got.timeout.Milliseconds() != 50 {
		t.Errorf("kept %+v, want the last successful init (db 0, 50ms)", got)
	}
}

func assertNoSecretInLogs(t *testing.T, g *Gateway, secret string) {
	t.Helper()
	forms := []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))}
	for _, e := range g.Logs() {
		for _, f := range forms {
			if strings.Contains(e.Msg, f) {
				t.Errorf("log entry leaks the secret: %+v", e)
			}
		}
	}
}

func TestReadRESP(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"+OK\r\n", "+OK\r\n", nil},
		{"-ERR no\r\n", "-ERR no\r\n", nil},
		{":42\r\n", ":42\r\n", nil},
		{"$5\r\nhello\r\n", "$5\r\nhello\r\n", nil},
		{"$-1\r\n", "$-1\r\n", nil},
		{"$0\r\n\r\n", "$0\r\n\r\n", nil},
		{"*2\r\n$1\r\na\r\n:1\r\n+extra\r\n", "*2\r\n$1\r\na\r\n:1\r\n", nil},
		{"*-1\r\n", "*-1\r\n", nil},
		{"*1\r\n*1\r\n*1\r\n:1\r\n", "", errRESPLimit}, // depth 3 > limit 2
		{"$5\r\nhel\r\n", "", errRESPSyntax},
		{"$3\r\nabcXY", "", errRESPSyntax},
		{":x\r\n", "", errRESPSyntax},
		{"?\r\n", "", errRESPSyntax},
		{"\r\n", "", errRESPSyntax},
		{"+OK\n", "", errRESPSyntax},
		{"$99999999999\r\n", "", errRESPLimit},
		{"$999999999999999999999\r\n", "", errRESPSyntax}, // overflows int
		{"$67108865\r\n", "", errRESPLimit},
		{"*-2\r\n", "", errRESPSyntax},
	} {
		got, err := readRESP(bufio.NewReader(strings.NewReader(tc.in)), 2)
		if err != tc.err || string(got) != tc.want {
			t.Errorf("readRESP(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestCheckRESPCommand(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{string(respCommand([]string{"GET", "k"})), true},
		{"*1\r\n$4\r\nPING\r\n", true},
		{"*0\r\n", false},
		{"PING\r\n", false},
		{"*1\r\n:1\r\n", false},
		{"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", false},
		{"*2\r\n$3\r\nGET\r\n", false},
		{"", false},
	} {
		if err := checkRESPCommand([]byte(tc.in)); (err == nil) != tc.ok {
			t.Errorf("checkRESPCommand(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func FuzzReadRESP(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "$-1\r\n", "*1\r\n*1\r\n:1\r\n", "$3\r\nab"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := readRESP(bufio.NewReader(bytes.NewReader(in)), maxRESPDepth)
		if err == nil && !bytes.HasPrefix(in, got) {
			t.Fatalf("readRESP(%q) = %q, not a prefix of the input", in, got)
		}
		_ = checkRESPCommand(in) // must not panic
	})
}
