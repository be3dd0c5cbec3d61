{{/*
The namespace guards, shared by every chart of the product: the check that a release is in the
namespace its overlay was written for, and the namespace's ResourceQuota and LimitRange, rendered
by whichever release owns the namespace's budget (todo-backend in seed 004's split layout, the
todo-chatbot umbrella in one release).
*/}}

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

{{/* The ResourceQuota and LimitRange of .Values.resourceQuota and .Values.limitRange, when enabled. */}}
{{- define "todo-lib.namespaceGuards" -}}
{{- if .Values.resourceQuota.enabled }}
apiVersion: v1
kind: ResourceQuota
metadata:
  name: {{ .Values.resourceQuota.name }}
  labels:
    {{- include "todo-lib.namespaceLabels" . | nindent 4 }}
spec:
  hard:
    {{- toYaml .Values.resourceQuota.hard | nindent 4 }}
{{- end }}
{{- if .Values.limitRange.enabled }}
---
apiVersion: v1
kind: LimitRange
metadata:
  name: {{ .Values.limitRange.name }}
  labels:
    {{- include "todo-lib.namespaceLabels" . | nindent 4 }}
spec:
  limits:
    - type: Container
      default:
        {{- toYaml .Values.limitRange.default | nindent 8 }}
      defaultRequest:
        {{- toYaml .Values.limitRange.defaultRequest | nindent 8 }}
      max:
        {{- toYaml .Values.limitRange.max | nindent 8 }}
{{- end }}
{{- end }}

{{/* Labels of an object of the namespace rather than of one service. */}}
{{- define "todo-lib.namespaceLabels" -}}
helm.sh/chart: {{ include "todo-lib.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: todo-chatbot
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
