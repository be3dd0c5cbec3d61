{{/*
The web app's own helpers: its ConfigMap data and its NOTES (which the todo-chatbot umbrella prints
too). Names, labels and probes come from the todo-lib library chart.
*/}}

{{/*
ConfigMap data: PORT from containerPort, TRUSTED_PROXIES from trustedProxies (each entry a
template), API_BASE_URL naming backendService (a template too, so the umbrella can name the backend
of its own release), then .Values.config, whose empty values leave these three alone. Also hashed
into the Deployment's checksum/config annotation, so a changed value rolls the pods.
*/}}
{{- define "todo-frontend.configData" -}}
{{- $data := dict "PORT" (toString .Values.containerPort) }}
{{- $proxies := list }}
{{- range .Values.trustedProxies }}
{{- $proxies = append $proxies (tpl . $) }}
{{- end }}
{{- $_ := set $data "TRUSTED_PROXIES" (join "," $proxies) }}
{{- $backend := tpl .Values.backendService.name . }}
{{- $_ := set $data "API_BASE_URL" (printf "http://%s.%s.svc.cluster.local:%v" $backend .Release.Namespace .Values.backendService.port) }}
{{- range $k, $v := .Values.config }}
{{- if or (ne (toString $v) "") (not (hasKey $data $k)) }}
{{- $_ := set $data $k (toString $v) }}
{{- end }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/*
NOTES: how to open the web app. The way to open it is the origin the backend trusts (its
FRONTEND_URL, passed as AppUrl by the umbrella; http://localhost:<port> otherwise, as the overlays
set it): Minikube does not publish NodePorts on localhost, and any other origin is refused at
sign-in, so a localhost URL comes with its port-forward.
*/}}
{{- define "todo-frontend.notes" -}}
{{- $fullname := include "todo-lib.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $nodePort := .Values.service.nodePort }}
{{- $port := .Values.service.port }}
{{ .Values.component }}: Service {{ $fullname }} ({{ .Values.service.type }}{{ with $nodePort }} {{ . }}{{ end }}), {{ .Values.replicaCount }} replica(s)
{{- $appUrl := get . "AppUrl" | default (printf "http://localhost:%v" ($nodePort | default $port)) }}
{{- $trusted := ternary "the origin the backend trusts: its FRONTEND_URL" "the backend's FRONTEND_URL must be this URL" (hasKey . "AppUrl") }}
{{- $u := urlParse $appUrl }}
{{- if has $u.hostname (list "localhost" "127.0.0.1") }}
{{- $local := regexFind ":[0-9]+$" $u.host | trimPrefix ":" | default (ternary "443" "80" (eq $u.scheme "https")) }}
  Open:     kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $local }}:{{ $port }}
            then {{ $appUrl }}   ({{ $trusted }})
{{- if eq .Values.service.type "NodePort" }}
            Minikube does not publish NodePorts on localhost. To use http://$(minikube ip):{{ $nodePort }} or
            `minikube service -n {{ $ns }} {{ $fullname }} --url` instead, set the backend's
            config.FRONTEND_URL and config.BETTER_AUTH_URL to that URL first (sign-in refuses other origins).
{{- end }}
{{- else }}
  Open:     {{ $appUrl }}   ({{ $trusted }})
{{- end }}
  In cluster: http://{{ $fullname }}.{{ $ns }}.svc.cluster.local:{{ $port }}
  Probes:   {{ .Values.probes.liveness.path }} (live), {{ .Values.probes.readiness.path }} (ready)
{{- end }}
