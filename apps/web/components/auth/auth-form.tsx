"use client";
/**
 * Sign-in and sign-up in one form. Plain fetch to /api/auth/* (proxied to Better Auth); the session
 * arrives as an HttpOnly cookie, so nothing is stored in the page. Error codes become sentences.
 */
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";
import { apiFetch, ApiError } from "@/lib/api.client";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { USER_LIMITS } from "@todo/contracts/constants";

const PASSWORD_MIN = 8;

type Mode = "sign-in" | "sign-up";
type FieldErrors = Partial<Record<"name" | "email" | "password" | "form", string>>;

function messageFor(err: unknown, mode: Mode): FieldErrors {
  if (!(err instanceof ApiError)) return { form: "Something went wrong. Try again." };
  switch (err.code) {
    case "invalid_email_or_password":
      // After a sign-up this means the email was taken: said no more plainly than sign-in says it.
      if (mode === "sign-up") {
        return { form: "We could not sign you in with this email and password. If you already have an account, sign in instead." };
      }
      return { form: "Wrong email or password." };
    case "invalid_password":
    case "user_not_found":
      return { form: "Wrong email or password." };
    case "password_too_short":
      return { password: `Use at least ${PASSWORD_MIN} characters.` };
    case "password_too_long":
      return { password: "That password is too long." };
    case "invalid_email":
      return { email: "Enter a valid email address." };
    case "rate_limited":
      return {
        form: `Too many attempts. Try again${err.retryAfter ? ` in ${err.retryAfter} seconds` : " in a minute"}.`,
      };
    default:
      if (err.field === "password") return { password: err.message };
      if (err.field === "email") return { email: err.message };
      if (err.status === 401 && mode === "sign-in") return { form: "Wrong email or password." };
      return { form: err.message };
  }
}

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  const signUp = mode === "sign-up";
  // The same signed query on the link to the other form, so signing up first still ends at consent.
  const searchParams = useSearchParams();
  const oauthSearch = searchParams.has("sig") ? `?${searchParams.toString()}` : "";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get("name") ?? "").trim();
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const local: FieldErrors = {};
    if (signUp && !name) local.name = "Tell us what to call you.";
    if (signUp && name.length > USER_LIMITS.nameMax) local.name = `Use at most ${USER_LIMITS.nameMax} characters.`;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) local.email = "Enter a valid email address.";
    if (signUp && password.length < PASSWORD_MIN) local.password = `Use at least ${PASSWORD_MIN} characters.`;
    if (!signUp && !password) local.password = "Enter your password.";
    setErrors(local);
    if (Object.keys(local).length > 0) return;

    setPending(true);
    try {
      // Sign-up answers alike whether or not the email is taken, and never signs in: signing in next
      // tells a new account (it works) from a taken email (it does not, unless the password is theirs).
      if (signUp) await apiFetch("/auth/sign-up/email", { method: "POST", json: { name, email, password } });
      // Sent here by an MCP client's authorization (a signed query in the URL): signing in with it
      // continues that authorization, and the answer says where to go next (the consent page).
      const oauthQuery = signedOAuthQuery();
      const signedIn = await apiFetch<{ url?: string } | undefined>("/auth/sign-in/email", {
        method: "POST",
        json: oauthQuery ? { email, password, oauth_query: oauthQuery } : { email, password },
      });
      if (oauthQuery && signedIn?.url) {
        window.location.assign(signedIn.url);
        return;
      }
      router.replace("/chat");
      router.refresh();
    } catch (err) {
      setErrors(messageFor(err, mode));
      setPending(false);
    }
  }

  const describedBy = (field: keyof FieldErrors) => (errors[field] ? `${field}-error` : undefined);

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={errors.form ? "form-error" : undefined}>
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">{signUp ? "Create your account" : "Sign in"}</h1>
        <p className="text-sm text-muted-foreground">{signUp ? "Then tell the assistant what you need to do." : "Welcome back. Your tasks are waiting."}</p>
      </div>

      {errors.form && (
        <p id="form-error" role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {errors.form}
        </p>
      )}

      {signUp && (
        <div className="space-y-2">
          <Label htmlFor="name">Name</Label>
          <Input
            id="name"
            name="name"
            autoComplete="name"
            required
            maxLength={USER_LIMITS.nameMax}
            aria-invalid={!!errors.name}
            aria-describedby={describedBy("name")}
          />
          {errors.name && <FieldError id="name-error">{errors.name}</FieldError>}
        </div>
      )}
      <div className="space-y-2">
        <Label htmlFor="email">Email</Label>
        <Input id="email" name="email" type="email" autoComplete="email" required aria-invalid={!!errors.email} aria-describedby={describedBy("email")} />
        {errors.email && <FieldError id="email-error">{errors.email}</FieldError>}
      </div>
      <div className="space-y-2">
        <Label htmlFor="password">Password</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete={signUp ? "new-password" : "current-password"}
          required
          minLength={signUp ? PASSWORD_MIN : undefined}
          aria-invalid={!!errors.password}
          aria-describedby={[describedBy("password"), signUp ? "password-hint" : undefined].filter(Boolean).join(" ") || undefined}
        />
        {signUp && !errors.password && (
          <p id="password-hint" className="text-xs text-muted-foreground">
            At least {PASSWORD_MIN} characters.
          </p>
        )}
        {errors.password && <FieldError id="password-error">{errors.password}</FieldError>}
      </div>

      <Button type="submit" className="w-full" disabled={pending}>
        {pending && <Loader2 className="animate-spin" aria-hidden />}
        {signUp ? "Create account" : "Sign in"}
      </Button>

      <p className="text-center text-sm text-muted-foreground">
        {signUp ? "Already have an account? " : "New here? "}
        <Link href={`${signUp ? "/sign-in" : "/sign-up"}${oauthSearch}`} className="font-medium text-foreground underline underline-offset-4">
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </form>
  );
}

/** The authorization server's signed query (it signs with `sig`), when an MCP client sent the person here. */
function signedOAuthQuery(): string | undefined {
  const search = window.location.search;
  return new URLSearchParams(search).has("sig") ? search.slice(1) : undefined;
}

function FieldError({ id, children }: { id: string; children: React.ReactNode }) {
  return (
    <p id={id} className="text-sm text-destructive">
      {children}
    </p>
  );
}
