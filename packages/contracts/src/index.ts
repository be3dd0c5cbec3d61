export * from "./constants.ts";
export * from "./service.contract.ts";
export * from "./errors.contract.ts";
export * from "./tasks.contract.ts";
export * from "./chat.contract.ts";
export * from "./text.contract.ts";
export * from "./connected-apps.contract.ts";
export * from "./settings.contract.ts";
