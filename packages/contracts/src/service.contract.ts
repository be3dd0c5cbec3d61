/**
 * Facts about the two services that other parts of the repository (images, charts, the deploy CLI,
 * the web proxy) must agree with. Charts and tests read them from here instead of repeating them.
 */
export const backendService = {
  name: "todo-backend",
  serviceId: "todo-chatbot-backend",
  port: 8000,
  health: {
    /** Seed shape: 200 {status:"healthy"} when the database answers, 503 otherwise. */
    full: "/health",
    /** Process is up; never touches the database. Kubernetes liveness. */
    live: "/health/live",
    /** Database reachable, migrations applied, not draining. Kubernetes readiness. */
    ready: "/health/ready",
  },
} as const;

export const frontendService = {
  name: "todo-frontend",
  port: 3000,
  health: {
    /** Liveness: answers without calling the backend. */
    live: "/api/health",
    /** Readiness: the frontend itself; never the backend (its outage must not empty the Service). */
    ready: "/api/health/ready",
  },
} as const;
