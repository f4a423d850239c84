// Package redistest starts a real redis-server for a test, on a free loopback port, and talks
// to it directly so tests can check what a plugin stored.
package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireEnv makes a missing redis-server a failure instead of a skip (.ci/run sets it).
const RequireEnv = "E2E_REQUIRE_REDIS"

// Server is a running redis-server.
type Server struct {
	Addr     string // 127.0.0.1:port
	Password string // requirepass; "" for none
}

// Start runs redis-server without persistence on a free port until the test ends. Without
// redis-server on PATH the test is skipped with one line, or fails if RequireEnv is set.
func Start(t testing.TB, password string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("redis-server is not installed and %s is set", RequireEnv)
		}
		t.Skip("redis-server is not installed (apt-get install redis-server); skipping the Redis test")
	}
	dir := t.TempDir()
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--databases", "16"}
		if password != "" {
			args = append(args, "--requirepass", password)
		}
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatalf("redis-server: %v", err)
		}
		s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Password: password}
		if s.waitReady(5 * time.Second) {
			t.Cleanup(func() {
				_ = cmd.Process.Kill() // the process this test started
				_ = cmd.Wait()
			})
			return s
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server did not start on %s:\n%s", s.Addr, log)
		}
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *Server) waitReady(d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if r, err := s.Do(0, "PING"); err == nil && r == "+PONG" {
			return true
		}
	}
	return false
}

// Do runs one command in database db (after AUTH when the server has a password) and returns
// the first line of the reply plus, for a bulk string, its value on a second line
// ("$5\nhello", "+OK", ":1", "$-1", "-ERR ..."). Arrays are returned as their header only.
func (s *Server) Do(db int, args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	if s.Password != "" {
		if line, err := command(c, r, "AUTH", s.Password); err != nil || line != "+OK" {
			return "", fmt.Errorf("AUTH: %q %v", line, err)
		}
	}
	if db != 0 {
		if line, err := command(c, r, "SELECT", strconv.Itoa(db)); err != nil || line != "+OK" {
			return "", fmt.Errorf("SELECT: %q %v", line, err)
		}
	}
	line, err := command(c, r, args...)
	if err != nil || !strings.HasPrefix(line, "$") || line == "$-1" {
		return line, err
	}
	n, _ := strconv.Atoi(line[1:])
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", err
	}
	return line + "\n" + string(buf[:n]), nil
}

// Dump returns every key of database db and its string value ("" for other types); values
// are read up to a newline, which the tests' values never contain.
func (s *Server) Dump(db int) (map[string]string, error) {
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	if s.Password != "" {
		if line, err := command(c, r, "AUTH", s.Password); err != nil || line != "+OK" {
			return nil, fmt.Errorf("AUTH: %q %v", line, err)
		}
	}
	if line, err := command(c, r, "SELECT", strconv.Itoa(db)); err != nil || line != "+OK" {
		return nil, fmt.Errorf("SELECT: %q %v", line, err)
	}
	line, err := command(c, r, "KEYS", "*")
	if err != nil || !strings.HasPrefix(line, "*") {
		return nil, fmt.Errorf("KEYS: %q %v", line, err)
	}
	n, _ := strconv.Atoi(line[1:])
	var keys []string
	for range n {
		k, err := readBulk(r)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	out := map[string]string{}
	for _, k := range keys {
		if line, err := command(c, r, "TYPE", k); err != nil || line != "+string" {
			out[k] = ""
			continue
		}
		if _, err := command(c, r, "GET", k); err != nil { // the "$len" line
			return nil, err
		}
		v, err := readBulkBody(r)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func readBulk(r *bufio.Reader) (string, error) {
	if _, err := r.ReadString('\n'); err != nil { // "$len"
		return "", err
	}
	return readBulkBody(r)
}

func readBulkBody(r *bufio.Reader) (string, error) {
	v, err := r.ReadString('\n')
	return strings.TrimSuffix(v, "\r\n"), err
}

func command(c net.Conn, r *bufio.Reader, args ...string) (string, error) {
	q := "*" + strconv.Itoa(len(args)) + "\r\n"
	for _, a := range args {
		q += "$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n"
	}
	if _, err := c.Write([]byte(q)); err != nil {
		return "", err
	}
	line, err := r.ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}
