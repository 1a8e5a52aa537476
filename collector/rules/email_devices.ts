import { linkageRule } from "./linkage.js";

/** One e-mail used from many devices: a shared or leaked account, or a ring using one mailbox for confirmations. */
export const email_devices = linkageRule("email_devices", "email", "device", { one: "device", many: "devices", where: "used this e-mail address" });
