package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
)

// Higress's Redis ABI, as its Envoy serves it to wasm-go's RedisClusterClient:
//
//   - proxy_redis_init(cluster, username, password, timeout_ms): the cluster name may carry
//     options after "?" (db, buffer_flush_timeout, max_buffer_size_before_flush; wasm-go always
//     adds the last two). The gateway answers NotFound for a cluster it does not have and
//     BadArgument for an unparsable db, else OK, and keeps the credentials for the cluster.
//   - proxy_redis_call(cluster, query) → callout id: the query is one RESP command, sent as is
//     on a connection to the cluster (AUTH and SELECT first on a new connection).
//   - proxy_on_redis_call_response(root, callout id, status, size), then
//     proxy_get_buffer_bytes(type 9) → the raw RESP reply. Status 0 is a reply (a Redis error
//     reply included); any failure to get one (not initialized, connect, AUTH, timeout, a
//     malformed query or reply) is status 1 with no reply, which wasm-go turns into the error
//     "cannot connect to redis cluster".
//
// The buffering options only batch queries on Envoy's connection; the gateway sends each query
// at once, which a plugin cannot tell apart.

const (
	redisStatusOK     = 0
	redisStatusFailed = 1
	redisDialTimeout  = 2 * time.Second
	maxRESPDepth      = 16
	maxRESPItems      = 1 << 16
)

type redisInit struct {
	user, pass string
	db         int
	timeout    time.Duration
}

// redisInits is what one VM's proxy_redis_init calls set up, by cluster name.
type redisInits struct {
	mu       sync.Mutex
	clusters map[string]redisInit
}

func (r *redisInits) init(clusters map[string]Cluster, name, user, pass string, timeoutMillis uint32) wasmvm.Status {
	base, query, _ := strings.Cut(name, "?")
	if _, ok := clusters[base]; !ok {
		return wasmvm.StatusNotFound
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return wasmvm.StatusBadArgument
	}
	in := redisInit{user: user, pass: pass, timeout: time.Duration(timeoutMillis) * time.Millisecond}
	if v := params.Get("db"); v != "" {
		if in.db, err = strconv.Atoi(v); err != nil || in.db < 0 {
			return wasmvm.StatusBadArgument
		}
	}
	r.mu.Lock()
	r.clusters[base] = in
	r.mu.Unlock()
	return wasmvm.StatusOK
}

// pendingRedis is a proxy_redis_call copied out of the emulator.
type pendingRedis struct {
	id          uint32
	cluster     string
	query       []byte
	init        redisInit
	initialized bool
}

func (h *host) pendingRedis(a proxytest.RedisCalloutAttribute) pendingRedis {
	h.redis.mu.Lock()
	in, ok := h.redis.clusters[a.Upstream]
	h.redis.mu.Unlock()
	return pendingRedis{id: a.CalloutID, cluster: a.Upstream, query: append([]byte(nil), a.Query...), init: in, initialized: ok}
}

type redisResult struct {
	id       uint32
	status   int32
	response []byte
}

// redisPool keeps idle connections per cluster and credentials.
type redisPool struct {
	clusters map[string]Cluster
	sink     *logSink
	mu       sync.Mutex
	idle     map[redisInit]map[string][]net.Conn // by credentials, then cluster
}

func newRedisPool(clusters map[string]Cluster, sink *logSink) *redisPool {
	return &redisPool{clusters: clusters, sink: sink, idle: map[redisInit]map[string][]net.Conn{}}
}

func (p *redisPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, byCluster := range p.idle {
		for _, conns := range byCluster {
			for _, c := range conns {
				_ = c.Close()
			}
		}
	}
	p.idle = map[redisInit]map[string][]net.Conn{}
}

// execute runs the calls concurrently.
func (p *redisPool) execute(ctx context.Context, calls []pendingRedis) []redisResult {
	out := make([]redisResult, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = redisResult{id: c.id, status: redisStatusFailed}
			reply, err := p.call(ctx, c)
			if err != nil {
				// the error names the cluster and the step, never the query or a credential
				p.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: fmt.Sprintf("redis call to cluster %q failed: %v", c.cluster, err)})
				return
			}
			out[i].status, out[i].response = redisStatusOK, reply
			p.sink.add(LogEntry{Source: "gateway", Level: "debug", Msg: fmt.Sprintf("redis call to cluster %q -> %d bytes", c.cluster, len(reply))})
		}()
	}
	wg.Wait()
	return out
}

func (p *redisPool) call(ctx context.Context, c pendingRedis) ([]byte, error) {
	if !c.initialized {
		return nil, errors.New("proxy_redis_init was not called for this cluster")
	}
	if err := checkRESPCommand(c.query); err != nil {
		return nil, err
	}
	timeout := c.init.timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	conn, err := p.get(ctx, c.cluster, c.init, timeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	reply, err := roundTrip(conn, c.query)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	p.put(c.cluster, c.init, conn)
	return reply, nil
}

func (p *redisPool) get(ctx context.Context, cluster string, in redisInit, timeout time.Duration) (net.Conn, error) {
	p.mu.Lock()
	if conns := p.idle[in][cluster]; len(conns) > 0 {
		c := conns[len(conns)-1]
		p.idle[in][cluster] = conns[:len(conns)-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	d := net.Dialer{Timeout: min(timeout, redisDialTimeout)}
	conn, err := d.DialContext(context.WithoutCancel(ctx), "tcp", p.clusters[cluster].Address)
	if err != nil {
		return nil, errors.New("connect failed")
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if in.pass != "" {
		args := []string{"AUTH", in.pass}
		if in.user != "" {
			args = []string{"AUTH", in.user, in.pass}
		}
		if err := expectOK(conn, args); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("AUTH: %w", err)
		}
	}
	if in.db != 0 {
		if err := expectOK(conn, []string{"SELECT", strconv.Itoa(in.db)}); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("SELECT: %w", err)
		}
	}
	return conn, nil
}

func (p *redisPool) put(cluster string, in redisInit, c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle[in] == nil {
		p.idle[in] = map[string][]net.Conn{}
	}
	p.idle[in][cluster] = append(p.idle[in][cluster], c)
}

func expectOK(conn net.Conn, args []string) error {
	reply, err := roundTrip(conn, respCommand(args))
	if err != nil {
		return err
	}
	if string(reply) != "+OK\r\n" {
		return errors.New("refused") // the reply may quote the command: not included
	}
	return nil
}

func roundTrip(conn net.Conn, query []byte) ([]byte, error) {
	if _, err := conn.Write(query); err != nil {
		return nil, errors.New("write failed")
	}
	reply, err := readRESP(bufio.NewReader(conn), maxRESPDepth)
	if err != nil {
		return nil, fmt.Errorf("reading the reply: %w", err)
	}
	return reply, nil
}

// respCommand encodes a command as a RESP array of bulk strings.
func respCommand(args []string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}
