{{/*
Names, labels and small helpers, with the `helm create` names and rules. Every template takes the
including chart's root context, so `.Chart.Name` is todo-backend / todo-frontend (or the alias
`backend` / `frontend` under the todo-chatbot umbrella, which gives todo-chatbot-backend …).
*/}}

{{- define "todo-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name; if the release name contains the chart name it is used as is, so release
todo-backend of chart todo-backend is called todo-backend, not todo-backend-todo-backend.
*/}}
{{- define "todo-lib.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The full name another service of the same release gets from todo-lib.fullname (with no overrides):
the umbrella's frontend names its backend with it, so a release called e.g. "my-backend" (whose
backend is "my-backend", not "my-backend-backend") still gets an API_BASE_URL that names a Service.
(dict "ctx" $ "name" "backend")
*/}}
{{- define "todo-lib.siblingFullname" -}}
{{- if contains .name .ctx.Release.Name }}
{{- .ctx.Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .ctx.Release.Name .name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "todo-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. `app` lets the seeds' `kubectl logs -l app=backend` work. */}}
{{- define "todo-lib.labels" -}}
helm.sh/chart: {{ include "todo-lib.chart" . }}
{{ include "todo-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .Values.component }}
app.kubernetes.io/part-of: todo-chatbot
app.kubernetes.io/managed-by: {{ .Release.Service }}
app: {{ .Values.component }}
{{- end }}

{{- define "todo-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of a helper object of this release (migration job, database, test pod): another name and
component, so that no selector of the app (Service, Deployment, PDB) ever matches these pods.
Call with (dict "ctx" $ "component" "database").
*/}}
{{- define "todo-lib.partLabels" -}}
helm.sh/chart: {{ include "todo-lib.chart" .ctx }}
{{ include "todo-lib.partSelectorLabels" . }}
app.kubernetes.io/part-of: todo-chatbot
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app: {{ .component }}
{{- end }}

{{- define "todo-lib.partSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-%s" (include "todo-lib.name" .ctx) .component | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "todo-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "todo-lib.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "todo-lib.configMapName" -}}
{{- printf "%s-config" (include "todo-lib.fullname" .) }}
{{- end }}

{{/* The Secret the pods read: an existing one named by the user, or the chart's own. */}}
{{- define "todo-lib.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- .Values.secret.existingSecret }}
{{- else }}
{{- printf "%s-secret" (include "todo-lib.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The overlays name the namespace their seed uses (global.namespace); installing them anywhere else
is a mistake that would only show later as wrong URLs, so it stops the render here.
*/}}
{{- define "todo-lib.checkNamespace" -}}
{{- $want := ((.Values.global).namespace) | default "" }}
{{- if and $want (ne $want .Release.Namespace) }}
{{- fail (printf "this values file is for namespace %q, but the release is in %q: add --namespace %s --create-namespace" $want .Release.Namespace $want) }}
{{- end }}
{{- end }}

{{/*
The embedded database (PGlite) lives in each backend pod's emptyDir: with two replicas each would
have its own throwaway database, and people would see their tasks come and go. Refused here.
*/}}
{{- define "todo-lib.checkReplicas" -}}
{{- if and .Values.secret (not (include "todo-lib.database.given" .)) (not (include "todo-lib.postgresql.enabled" .)) }}
{{- $most := ternary .Values.autoscaling.maxReplicas .Values.replicaCount .Values.autoscaling.enabled }}
{{- if gt (int $most) 1 }}
{{- fail (printf "%s: %d backend replicas without a database would each keep their own throwaway embedded database (PGlite). Give them one: secret.values.DATABASE_URL, secret.existingSecret, or postgresql.enabled=true; or run a single replica (replicaCount: 1, no autoscaling)" (include "todo-lib.fullname" .) (int $most)) }}
{{- end }}
{{- end }}
{{- end }}

{{/* In-cluster URL of a Service of this namespace. (dict "ctx" $ "name" "todo-backend" "port" 8000) */}}
{{- define "todo-lib.serviceUrl" -}}
{{- printf "http://%s.%s.svc.cluster.local:%v" .name .ctx.Release.Namespace .port }}
{{- end }}

{{/* The restricted Pod Security profile for a helper pod (job, database, test) run as `uid`. */}}
{{- define "todo-lib.restrictedPod" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "todo-lib.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
