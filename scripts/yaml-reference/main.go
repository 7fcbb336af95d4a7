// Command yamlreference records what kubectl's YAML decoder makes of each case.
//
// Input (stdin): a JSON array of YAML texts. Output (stdout): a JSON array,
// one entry per case: {"docs": [<JSON value>, ...]} or {"error": "<message>"}.
//
// A case is split into documents the way kubectl splits a file
// (k8s.io/apimachinery/pkg/util/yaml.YAMLReader: a line that starts with
// "---" followed only by white space ends a document), and every document is
// decoded with sigs.k8s.io/yaml.YAMLToJSON, as kubectl's YAMLOrJSONDecoder does.
// Documents that decode to JSON null (empty or comment-only) are kept as null.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

const separator = "---"

// splitDocuments follows apimachinery's YAMLReader.Read line by line.
func splitDocuments(text []byte) [][]byte {
	var docs [][]byte
	var buffer bytes.Buffer
	reader := bufio.NewReader(bytes.NewReader(text))
	for {
		line, err := reader.ReadBytes('\n')
		if err != nil && err != io.EOF {
			panic(err)
		}
		sepLen := len([]byte(separator))
		if i := bytes.Index(line, []byte(separator)); i == 0 {
			after := line[i+sepLen:]
			if len(strings.TrimRightFunc(string(after), unicode.IsSpace)) == 0 {
				if buffer.Len() != 0 {
					docs = append(docs, append([]byte(nil), buffer.Bytes()...))
					buffer.Reset()
				}
				if err == io.EOF {
					return docs
				}
				continue
			}
		}
		if err == io.EOF {
			if buffer.Len() != 0 || len(line) != 0 {
				buffer.Write(line)
				docs = append(docs, append([]byte(nil), buffer.Bytes()...))
			}
			return docs
		}
		buffer.Write(line)
	}
}

// result is {"docs": [...]} or {"error": "..."}; a nil Docs means an error.
type result struct {
	Docs  []json.RawMessage
	Error *string
}

func (r result) MarshalJSON() ([]byte, error) {
	if r.Error != nil {
		return json.Marshal(map[string]string{"error": *r.Error})
	}
	return json.Marshal(map[string][]json.RawMessage{"docs": r.Docs})
}

func decode(text string) (res result) {
	defer func() {
		if r := recover(); r != nil {
			msg := "panic: " + strings.TrimSpace(strings.Split(strings.TrimSpace(toString(r)), "\n")[0])
			res = result{Error: &msg}
		}
	}()
	res.Docs = []json.RawMessage{}
	for _, doc := range splitDocuments([]byte(text)) {
		out, err := yaml.YAMLToJSON(doc)
		if err != nil {
			msg := err.Error()
			return result{Error: &msg}
		}
		res.Docs = append(res.Docs, json.RawMessage(out))
	}
	return res
}

func toString(v interface{}) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "unknown panic"
}

func main() {
	var cases []string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		results[i] = decode(c)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		panic(err)
	}
}
