{{/*
ConfigMap and Secret of a service, and the data they carry. The data helpers are also used for the
checksum annotations (a changed value rolls the pods) and by the migration hook.
*/}}

{{/* ConfigMap data: .Values.config, PORT from containerPort, and for the frontend API_BASE_URL. */}}
{{- define "todo-lib.configData" -}}
{{- $data := dict "PORT" (toString .Values.containerPort) }}
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
{{- if and .Values.postgresql.enabled (not .Values.secret.values.DATABASE_URL) (not .Values.secret.existingSecret) }}true{{ end }}
{{- end }}
{{- end }}

{{- define "todo-lib.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-lib.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A generated value that survives upgrades: the one already in the cluster's Secret if there is one
(lookup; empty under `helm template`), else a new random string. Computed once per render and kept
in .Values so every template of the render sees the same value.
(dict "ctx" $ "secret" "name" "key" "KEY" "length" 32)
*/}}
{{- define "todo-lib.generated" -}}
{{- $memo := .ctx.Values.__generated | default dict }}
{{- $id := printf "%s/%s" .secret .key }}
{{- if not (hasKey $memo $id) }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- $value := "" }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- $value = index $existing.data .key | b64dec }}
{{- else }}
{{- $value = randAlphaNum (int .length) }}
{{- end }}
{{- $_ := set $memo $id $value }}
{{- $_ := set .ctx.Values "__generated" $memo }}
{{- end }}
{{- index $memo $id }}
{{- end }}

{{- define "todo-lib.postgresql.password" -}}
{{- .Values.postgresql.auth.password | default (include "todo-lib.generated" (dict "ctx" . "secret" (include "todo-lib.postgresql.fullname" .) "key" "POSTGRES_PASSWORD" "length" 32)) }}
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
{{- $_ := set $data "BETTER_AUTH_SECRET" (include "todo-lib.generated" (dict "ctx" . "secret" (include "todo-lib.secretName" .) "key" "BETTER_AUTH_SECRET" "length" 48)) }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/* (dict "ctx" $ "name" "…" "hook" "pre-install,pre-upgrade") — hook is optional. */}}
{{- define "todo-lib.secretObject" -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .name }}
  labels:
    {{- include "todo-lib.labels" .ctx | nindent 4 }}
  {{- with .hook }}
  annotations:
    helm.sh/hook: {{ . }}
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- end }}
type: Opaque
stringData:
  {{- include "todo-lib.secretData" .ctx | nindent 2 }}
{{- end }}

{{- define "todo-lib.secret" -}}
{{- if not .Values.secret.existingSecret }}
{{- include "todo-lib.secretObject" (dict "ctx" . "name" (include "todo-lib.secretName" .)) }}
{{- end }}
{{- end }}
