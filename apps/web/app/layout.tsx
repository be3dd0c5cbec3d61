import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { Toaster } from "sonner";
import "./globals.css";

const TOAST_COLOURS = {
  "--normal-bg": "var(--card)",
  "--normal-border": "var(--border)",
  "--normal-text": "var(--foreground)",
} as React.CSSProperties;

export const metadata: Metadata = {
  title: { default: "Todo Chatbot", template: "%s · Todo Chatbot" },
  description: "Manage your tasks by chatting with an assistant.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0b1120" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry the CSP nonce proxy.ts made for it.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        {children}
        {/* The app's tokens, not sonner's richColors (its green measured 4.25:1, under AA); the icons
            say success or error in their colours (globals.css). */}
        <Toaster position="bottom-center" theme="system" closeButton style={TOAST_COLOURS} />
      </body>
    </html>
  );
}
