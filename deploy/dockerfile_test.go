package deploy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dockerfile is a Dockerfile split into stages.
type dockerfile struct {
	args   map[string]string // ARG defaults
	froms  map[string]string // stage name -> its FROM image
	stages map[string]string // stage name -> its instructions
}

var fromRE = regexp.MustCompile(`(?i)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`)

func parseDockerfile(b []byte) dockerfile {
	df := dockerfile{args: map[string]string{}, froms: map[string]string{}, stages: map[string]string{}}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	stage := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := fromRE.FindStringSubmatch(line); m != nil {
			stage = strings.ToLower(m[2])
			df.froms[stage] = m[1]
			df.stages[stage] += ""
			continue
		}
		if arg, ok := strings.CutPrefix(line, "ARG "); ok && stage == "" {
			k, v, _ := strings.Cut(arg, "=")
			df.args[k] = v
		}
		df.stages[stage] += line + "\n"
	}
	return df
}

// expand resolves ${ARG} with the Dockerfile's defaults.
func (df dockerfile) expand(s string) string {
	for k, v := range df.args {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	return s
}

// goVersion is go.mod's go line.
func goVersion(t testing.TB) string {
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(readFile(t, goModPath))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// dockerfileUser is the numeric uid the runtime images run as.
func dockerfileUser(t testing.TB, raw []byte) int64 {
	df := parseDockerfile(raw)
	var uid int64 = -1
	for _, proc := range processes {
		m := regexp.MustCompile(`(?m)^USER (\d+)`).FindStringSubmatch(df.stages[proc.target])
		if m == nil {
			t.Fatalf("Dockerfile stage %s has no numeric USER: Kubernetes' runAsNonRoot needs one", proc.target)
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		if uid >= 0 && n != uid {
			t.Fatalf("Dockerfile stages run as different users (%d, %d)", uid, n)
		}
		uid = n
	}
	return uid
}

// checkDockerfile: every binary is built, each image has what its process
// needs, and the Go toolchain is exactly go.mod's.
func checkDockerfile(p *problems, raw []byte, goVersion string) {
	df := parseDockerfile(raw)
	var build string
	for _, body := range df.stages {
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, "go build") {
				build += line + "\n"
			}
		}
	}
	for _, bin := range append([]string{"douyin"}, names(processes)...) {
		if !regexp.MustCompile(`\./cmd/` + bin + `(\s|$)`).MatchString(build) {
			p.add("Dockerfile: go build does not build ./cmd/%s", bin)
		}
	}
	for _, proc := range processes {
		body, ok := df.stages[proc.target]
		if !ok {
			p.add("Dockerfile: no stage %q (image of %s)", proc.target, proc.name)
			continue
		}
		if proc.ffmpeg && !strings.Contains(body, "ffmpeg") {
			p.add("Dockerfile: stage %q (image of %s) does not install ffmpeg", proc.target, proc.name)
		}
	}
	golang := df.expand(df.froms["build"])
	if want := "golang:" + goVersion + "-"; !strings.HasPrefix(golang, want) {
		p.add("Dockerfile: builds with %s, want exactly go.mod's Go (%s...)", golang, want)
	}
	for stage, from := range df.froms {
		if _, isStage := df.froms[strings.ToLower(from)]; isStage {
			continue
		}
		if tag := imageTag(df.expand(from)); tag == "" || tag == "latest" {
			p.add("Dockerfile: stage %s FROM %s has no pinned tag", stage, from)
		}
	}
}

func names(procs []process) []string {
	var out []string
	for _, p := range procs {
		out = append(out, p.name)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	var p problems
	raw := readFile(t, dockerfilePath)
	checkDockerfile(&p, raw, goVersion(t))
	if !slices.Contains(strings.Fields(string(raw)), "curl") {
		p.add("Dockerfile: curl is not installed, but compose's health checks use it")
	}
	for _, msg := range p {
		t.Error(msg)
	}
	if uid := dockerfileUser(t, raw); uid == 0 {
		t.Error("Dockerfile: images run as root")
	}
}
