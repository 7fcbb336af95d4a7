module k8scheck.local/yamlreference

go 1.19

require (
	gopkg.in/yaml.v2 v2.4.0
	sigs.k8s.io/yaml v1.3.0
)

replace gopkg.in/yaml.v2 => /usr/share/gocode/src/gopkg.in/yaml.v2

replace sigs.k8s.io/yaml => /usr/share/gocode/src/sigs.k8s.io/yaml
