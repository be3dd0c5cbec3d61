{{/*
Names and labels, with the `helm create` names and rules. Every template takes the including
chart's root context, so `.Chart.Name` is todo-backend / todo-frontend (or the alias `backend` /
`frontend` under the todo-chatbot umbrella, which gives todo-chatbot-backend …).
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

{{- define "todo-lib.configMapName" -}}
{{- printf "%s-config" (include "todo-lib.fullname" .) }}
{{- end }}

{{- define "todo-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The service's image: image.tag, or the chart's appVersion. */}}
{{- define "todo-lib.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Labels on every object of the service. `app` lets the seeds' `kubectl logs -l app=backend` work. */}}
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
(dict "ctx" $ "component" "database")
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
