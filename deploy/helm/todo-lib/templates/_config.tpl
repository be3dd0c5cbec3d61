{{/*
ConfigMap and Secret of a service, and the data they carry. The data helpers are also used for the
checksum annotations (a changed value rolls the pods) and by the migration hook.
*/}}

{{/*
ConfigMap data: .Values.config, PORT from containerPort, TRUSTED_PROXIES from trustedProxies (each
entry a template, so the backend's default can name global.cluster.podCIDR), and for the frontend
API_BASE_URL.
*/}}
{{- define "todo-lib.configData" -}}
{{- $data := dict "PORT" (toString .Values.containerPort) }}
{{- $proxies := list }}
{{- range .Values.trustedProxies }}
{{- $proxies = append $proxies (tpl . $) }}
{{- end }}
{{- $_ := set $data "TRUSTED_PROXIES" (join "," $proxies) }}
{{- if .Values.backendService }}
{{- $name := tpl .Values.backendService.name . }}
{{- $_ := set $data "API_BASE_URL" (include "todo-lib.serviceUrl" (dict "ctx" . "name" $name "port" .Values.backendService.port)) }}
{{- end }}
{{- range $k, $v := .Values.config }}
{{- if or (ne (toString $v) "") (not (hasKey $data $k)) }}
{{- $_ := set $data $k (toString $v) }}
{{- end }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{- define "todo-lib.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "todo-lib.configMapName" . }}
  labels:
    {{- include "todo-lib.labels" . | nindent 4 }}
data:
  {{- include "todo-lib.configData" . | nindent 2 }}
{{- end }}

{{/*
Is the in-cluster PostgreSQL on? Only when asked for AND no database was given: a DATABASE_URL
value or an existing Secret (which is expected to carry DATABASE_URL) turns it off.
*/}}
{{- define "todo-lib.postgresql.enabled" -}}
{{- if .Values.postgresql }}
{{- if and .Values.postgresql.enabled (not (include "todo-lib.database.given" .)) }}true{{ end }}
{{- end }}
{{- end }}

{{/* Was a database given: a DATABASE_URL value, or an existing Secret (expected to carry one)? */}}
{{- define "todo-lib.database.given" -}}
{{- if .Values.secret }}
{{- if or .Values.secret.values.DATABASE_URL .Values.secret.existingSecret }}true{{ end }}
{{- end }}
{{- end }}

{{- define "todo-lib.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-lib.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Can this render see the cluster? `lookup` answers from the cluster during helm install/upgrade
(and --dry-run=server) and with an empty map everywhere else: helm template, --dry-run=client,
helm lint, and GitOps tools that render with helm template. A list always has "items" when it
comes from the cluster, even an empty one in a namespace that does not exist yet.
*/}}
{{- define "todo-lib.clusterVisible" -}}
{{- $memo := .Values.__generated | default dict }}
{{- if not (hasKey $memo "__clusterVisible") }}
{{- $_ := set $memo "__clusterVisible" (hasKey (lookup "v1" "ConfigMap" .Release.Namespace "") "items") }}
{{- $_ := set .Values "__generated" $memo }}
{{- end }}
{{- if index $memo "__clusterVisible" }}true{{ end }}
{{- end }}

{{/*
A generated value that survives upgrades and reinstalls: the one already in the cluster's Secret
if there is one (the Secrets are kept on uninstall, with the database's volume), else a new random
string. Computed once per render and kept in .Values so every template of the render sees the same
value. Where helm cannot see the cluster, a value generated here would differ on every render
(signing everyone out, or locking the database away from its own data), so the render stops and
says what to set, unless secret.generateWithoutCluster asks for throwaway values (checks and tests
that never apply what they render).
(dict "ctx" $ "secret" "name" "key" "KEY" "length" 32 "value" "secret.values.KEY")
*/}}
{{- define "todo-lib.generated" -}}
{{- $id := printf "%s/%s" .secret .key }}
{{- if not (hasKey (.ctx.Values.__generated | default dict) $id) }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- $value := "" }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- $value = index $existing.data .key | b64dec }}
{{- else if or (include "todo-lib.clusterVisible" .ctx) .ctx.Values.secret.generateWithoutCluster }}
{{- $value = randAlphaNum (int .length) }}
{{- else }}
{{- fail (printf "%s: helm cannot see the cluster here (helm template, --dry-run=client, a GitOps tool), so it cannot reuse the %s it generated at install, and a new one on every render would break the release. Set %s or secret.existingSecret (a Secret you manage; required with GitOps), or install with helm install/upgrade (or --dry-run=server)" (include "todo-lib.fullname" .ctx) .key .value) }}
{{- end }}
{{- $memo := .ctx.Values.__generated | default dict }}
{{- $_ := set $memo $id $value }}
{{- $_ := set .ctx.Values "__generated" $memo }}
{{- end }}
{{- index .ctx.Values.__generated $id }}
{{- end }}

{{- define "todo-lib.postgresql.password" -}}
{{- if .Values.postgresql.auth.password }}
{{- .Values.postgresql.auth.password }}
{{- else }}
{{- include "todo-lib.generated" (dict "ctx" . "secret" (include "todo-lib.postgresql.fullname" .) "key" "POSTGRES_PASSWORD" "length" 32 "value" "postgresql.auth.password") }}
{{- end }}
{{- end }}

{{/*
Secret data: the non-empty secret.values; DATABASE_URL of the in-cluster database when that is on;
BETTER_AUTH_SECRET generated when not given (the API refuses to start in production without one).
*/}}
{{- define "todo-lib.secretData" -}}
{{- $data := dict }}
{{- range $k, $v := .Values.secret.values }}
{{- if $v }}{{ $_ := set $data $k (toString $v) }}{{ end }}
{{- end }}
{{- if include "todo-lib.postgresql.enabled" . }}
{{- $pg := .Values.postgresql }}
{{- $_ := set $data "DATABASE_URL" (printf "postgresql://%s:%s@%s:%v/%s" $pg.auth.username (include "todo-lib.postgresql.password" .) (include "todo-lib.postgresql.fullname" .) $pg.port $pg.auth.database) }}
{{- end }}
{{- if not (hasKey $data "BETTER_AUTH_SECRET") }}
{{- $_ := set $data "BETTER_AUTH_SECRET" (include "todo-lib.generated" (dict "ctx" . "secret" (include "todo-lib.secretName" .) "key" "BETTER_AUTH_SECRET" "length" 48 "value" "secret.values.BETTER_AUTH_SECRET")) }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/*
Secret data as `data:` (base64), never `stringData:`: with server-side apply (Helm 4) and Helm 3's
three-way merge alike, a key removed from stringData is pruned from stringData only, and `data`
would keep the old value (an emptied OPENAI_API_KEY would stay in the pods). (dict "data" $map)
*/}}
{{- define "todo-lib.secretDataBlock" -}}
data:
{{- range $k, $v := .data }}
  {{ $k }}: {{ toString $v | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
(dict "ctx" $ "name" "…" "hook" "pre-install,pre-upgrade") — hook is optional. The release's own
Secret is kept on uninstall (helm.sh/resource-policy: keep), like the database's volume: a
reinstall then finds the same generated BETTER_AUTH_SECRET (which encrypts the stored JWT key) and
database password. `npm run deploy -- cleanup` removes them with the volume (deploy/README.md).
*/}}
{{- define "todo-lib.secretObject" -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .name }}
  labels:
    {{- include "todo-lib.labels" .ctx | nindent 4 }}
  annotations:
  {{- with .hook }}
    helm.sh/hook: {{ . }}
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- else }}
    helm.sh/resource-policy: keep
  {{- end }}
type: Opaque
{{ include "todo-lib.secretDataBlock" (dict "data" (include "todo-lib.secretData" .ctx | fromYaml)) }}
{{- end }}

{{- define "todo-lib.secret" -}}
{{- if not .Values.secret.existingSecret }}
{{- include "todo-lib.secretObject" (dict "ctx" . "name" (include "todo-lib.secretName" .)) }}
{{- end }}
{{- end }}
