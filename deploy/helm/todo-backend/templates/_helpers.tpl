{{/*
The API's own helpers: its ConfigMap and Secret data, where its database comes from, the values the
chart generates, the migration hook's timing, its egress, and its NOTES (which the todo-chatbot
umbrella prints too). Names, labels, probes and the namespace guards come from the todo-lib library.
*/}}

{{/*
ConfigMap data: PORT from containerPort, TRUSTED_PROXIES from trustedProxies (each entry a
template, so the default can name global.cluster.podCIDR), then .Values.config, whose empty values
leave those two alone. Also the migration Job's env, and hashed into the Deployment's
checksum/config annotation, so a changed value rolls the pods.
*/}}
{{- define "todo-backend.configData" -}}
{{- $data := dict "PORT" (toString .Values.containerPort) }}
{{- $proxies := list }}
{{- range .Values.trustedProxies }}
{{- $proxies = append $proxies (tpl . $) }}
{{- end }}
{{- $_ := set $data "TRUSTED_PROXIES" (join "," $proxies) }}
{{- range $k, $v := .Values.config }}
{{- if or (ne (toString $v) "") (not (hasKey $data $k)) }}
{{- $_ := set $data $k (toString $v) }}
{{- end }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/* The Secret the pods read: an existing one named by the user, or the chart's own. */}}
{{- define "todo-backend.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- .Values.secret.existingSecret }}
{{- else }}
{{- printf "%s-secret" (include "todo-lib.fullname" .) }}
{{- end }}
{{- end }}

{{/* Was a database given: a DATABASE_URL value, or an existing Secret (expected to carry one)? */}}
{{- define "todo-backend.database.given" -}}
{{- if or .Values.secret.values.DATABASE_URL .Values.secret.existingSecret }}true{{ end }}
{{- end }}

{{/* Is the in-cluster PostgreSQL on? Only when asked for AND no database was given. */}}
{{- define "todo-backend.postgresql.enabled" -}}
{{- if and .Values.postgresql.enabled (not (include "todo-backend.database.given" .)) }}true{{ end }}
{{- end }}

{{- define "todo-backend.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-lib.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The values this release generates because they were not given, as a map KEY: value:
POSTGRES_PASSWORD (with the in-cluster database, for its Secret and DATABASE_URL) and
BETTER_AUTH_SECRET (the API refuses to start in production without one), and with push.enabled
VAPID_PRIVATE_KEY (an EC P-256 key, genPrivateKey "ecdsa"). Each is the value already
in the cluster when its Secret is there (the Secrets are kept on uninstall, with the database's
volume), so it survives upgrades and reinstalls. A value not in the cluster yet is:
- with "new" true, a new random string: secret.yaml asks for these ONCE per render and writes them
  into every Secret that carries them (another include would make other random values);
- with "new" false, a placeholder: what the Deployment's checksum/secret is computed over, so it
  never depends on a random value of the render. The cost: the first upgrade after a value was
  generated sees it in the cluster and rolls the pods once; a value generated again (its Secret
  deleted by hand) rolls them onto it.
Where helm cannot see the cluster (helm template, --dry-run=client, helm lint, GitOps tools), a new
value would differ on every render (signing everyone out, or locking the database away from its own
data), so the render stops and says what to set, unless secret.generateWithoutCluster asks for
throwaway values (checks and tests that never apply what they render).
(dict "ctx" $ "new" true)
*/}}
{{- define "todo-backend.generatedValues" -}}
{{- $ctx := .ctx }}
{{- $wanted := list }}
{{- if and (include "todo-backend.postgresql.enabled" $ctx) (not $ctx.Values.postgresql.auth.password) }}
{{- $wanted = append $wanted (dict "secret" (include "todo-backend.postgresql.fullname" $ctx) "key" "POSTGRES_PASSWORD" "length" 32 "value" "postgresql.auth.password") }}
{{- end }}
{{- if and (not $ctx.Values.secret.existingSecret) (not $ctx.Values.secret.values.BETTER_AUTH_SECRET) }}
{{- $wanted = append $wanted (dict "secret" (include "todo-backend.secretName" $ctx) "key" "BETTER_AUTH_SECRET" "length" 48 "value" "secret.values.BETTER_AUTH_SECRET") }}
{{- end }}
{{- if and $ctx.Values.push.enabled (not $ctx.Values.secret.existingSecret) (not $ctx.Values.secret.values.VAPID_PRIVATE_KEY) }}
{{- $wanted = append $wanted (dict "secret" (include "todo-backend.secretName" $ctx) "key" "VAPID_PRIVATE_KEY" "ecdsa" true "value" "secret.values.VAPID_PRIVATE_KEY") }}
{{- end }}
{{- $values := dict }}
{{- range $wanted }}
{{- $existing := lookup "v1" "Secret" $ctx.Release.Namespace .secret }}
{{- $value := "" }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- $value = index $existing.data .key | b64dec }}
{{- else if not $.new }}
{{- $value = "(generated at install)" }}
{{- else if or (include "todo-backend.clusterVisible" $ctx) $ctx.Values.secret.generateWithoutCluster }}
{{- $value = ternary (genPrivateKey "ecdsa") (randAlphaNum (int (.length | default 1))) (hasKey . "ecdsa") }}
{{- else }}
{{- fail (printf "%s: helm cannot see the cluster here (helm template, --dry-run=client, a GitOps tool), so it cannot reuse the %s it generated at install, and a new one on every render would break the release. Set %s or secret.existingSecret (a Secret you manage; required with GitOps), or install with helm install/upgrade (or --dry-run=server)" (include "todo-lib.fullname" $ctx) .key .value) }}
{{- end }}
{{- $_ := set $values .key $value }}
{{- end }}
{{- toYaml $values }}
{{- end }}

{{/*
Can this render see the cluster? `lookup` answers from the cluster during helm install/upgrade
(and --dry-run=server) and with an empty map everywhere else. A list always has "items" when it
comes from the cluster, even an empty one in a namespace that does not exist yet.
*/}}
{{- define "todo-backend.clusterVisible" -}}
{{- if hasKey (lookup "v1" "ConfigMap" .Release.Namespace "") "items" }}true{{ end }}
{{- end }}

{{/*
Secret data: the non-empty secret.values; DATABASE_URL of the in-cluster database when that is on;
BETTER_AUTH_SECRET, generated when not given; VAPID_PRIVATE_KEY likewise with push.enabled.
(dict "ctx" $ "generated" <todo-backend.generatedValues>)
*/}}
{{- define "todo-backend.secretData" -}}
{{- $ctx := .ctx }}
{{- $data := dict }}
{{- range $k, $v := $ctx.Values.secret.values }}
{{- if $v }}{{ $_ := set $data $k (toString $v) }}{{ end }}
{{- end }}
{{- if include "todo-backend.postgresql.enabled" $ctx }}
{{- $pg := $ctx.Values.postgresql }}
{{- $password := $pg.auth.password | default .generated.POSTGRES_PASSWORD }}
{{- $_ := set $data "DATABASE_URL" (printf "postgresql://%s:%s@%s:%v/%s" $pg.auth.username $password (include "todo-backend.postgresql.fullname" $ctx) $pg.port $pg.auth.database) }}
{{- end }}
{{- if not (hasKey $data "BETTER_AUTH_SECRET") }}
{{- $_ := set $data "BETTER_AUTH_SECRET" .generated.BETTER_AUTH_SECRET }}
{{- end }}
{{- if and $ctx.Values.push.enabled (not (hasKey $data "VAPID_PRIVATE_KEY")) }}
{{- $_ := set $data "VAPID_PRIVATE_KEY" .generated.VAPID_PRIVATE_KEY }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/*
When the migration hook runs: against a database that exists already (an external DATABASE_URL),
before anything else, so new pods find the schema they need; with the in-cluster database, which
is an object of the release itself (created after pre-hooks), after the release's objects (also
when an upgrade switches to it: a pre-upgrade hook would wait for it forever).
*/}}
{{- define "todo-backend.migrations.hook" -}}
{{- if include "todo-backend.postgresql.enabled" . }}post-install,post-upgrade{{ else }}pre-install,pre-upgrade{{ end }}
{{- end }}

{{/*
Egress of the API's pods and of the migration Job: DNS, the listed components of this product, the
in-cluster database when it is on, and external addresses by CIDR (NetworkPolicy knows IPs, not
host names: the database and the model's API are "port P to these CIDRs"; the "database" entry is
left out while the in-cluster one is on). A rule with exceptCluster leaves the cluster's own pod and
Service ranges (global.cluster) out of its 0.0.0.0/0, so "any address on 443" does not include the
Kubernetes API's Service or another pod; link-local (169.254.0.0/16, cloud metadata) is in the
values' except lists.
*/}}
{{- define "todo-backend.egress" -}}
{{- $np := .Values.networkPolicy }}
{{- $cluster := .Values.global.cluster }}
{{- $inCluster := include "todo-backend.postgresql.enabled" . -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- range $np.egress.components }}
- to:
    - podSelector:
        matchLabels:
          app.kubernetes.io/part-of: todo-chatbot
          app.kubernetes.io/component: {{ .component }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end }}
{{- if $inCluster }}
- to:
    - podSelector:
        matchLabels:
          {{- include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "database") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- end }}
{{- range $np.egress.external }}
{{- if not (and $inCluster (eq .name "database")) }}
{{- $rule := . }}
- to:
    {{- range .cidrs }}
    {{- $except := $rule.except }}
    {{- if and $rule.exceptCluster (eq . "0.0.0.0/0") }}
    {{- $except = concat (list $cluster.podCIDR $cluster.serviceCIDR) $except | uniq }}
    {{- end }}
    - ipBlock:
        cidr: {{ . }}
        {{- with $except }}
        except:
          {{- toYaml . | nindent 10 }}
        {{- end }}
    {{- end }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end }}
{{- end }}
{{- end }}

{{/* NOTES: how to reach the API from a browser and from inside the cluster. */}}
{{- define "todo-backend.notes" -}}
{{- $fullname := include "todo-lib.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $nodePort := .Values.service.nodePort }}
{{- $port := .Values.service.port }}
{{ .Values.component }}: Service {{ $fullname }} ({{ .Values.service.type }}{{ with $nodePort }} {{ . }}{{ end }}), {{ .Values.replicaCount }} replica(s)
{{- if eq .Values.service.type "NodePort" }}
  Health:   curl http://$(minikube ip):{{ $nodePort }}/health   (or the URL of `minikube service -n {{ $ns }} {{ $fullname }} --url`)
            or kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $port }}:{{ $port }}, then curl http://localhost:{{ $port }}/health
{{- else }}
  Health:   kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $port }}:{{ $port }}, then curl http://localhost:{{ $port }}/health
{{- end }}
  In cluster: http://{{ $fullname }}.{{ $ns }}.svc.cluster.local:{{ $port }}
  Probes:   {{ .Values.probes.liveness.path }} (live), {{ .Values.probes.readiness.path }} (ready)
{{- end }}
