/**
 * Validates a rendered Kubernetes object against the API schemas with kubernetes-models: the one
 * place that maps apiVersion/kind to a model, shared by the chart tests and the deploy CLI's gate.
 */
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, LimitRange, Pod, ResourceQuota, Secret, Service, ServiceAccount } from "kubernetes-models/v1";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/LimitRange": LimitRange,
  "v1/Pod": Pod,
  "v1/ResourceQuota": ResourceQuota,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

export class UnknownKindError extends Error {
  override name = "UnknownKindError";
}

/** Throws when the object breaks the Kubernetes schema, or when no model knows its kind. */
export function validateObject(o: { apiVersion?: unknown; kind?: unknown }): void {
  const Model = MODELS[`${String(o.apiVersion)}/${String(o.kind)}`];
  if (!Model) throw new UnknownKindError(`no Kubernetes model for ${String(o.apiVersion)} ${String(o.kind)}`);
  new Model(o as never).validate();
}
