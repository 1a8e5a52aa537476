import { linkageRule } from "./linkage.js";

/** Many orderer names for one delivery address: a drop address collecting goods bought with other people's cards. */
export const address_names = linkageRule("address_names", "address", "name", { one: "name", many: "names", where: "for this shipping address" });
