// The demo shop's products. Prices are in minor units (öre), as the assess API expects.

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly unitPrice: number;
  readonly description: string;
}

export const CURRENCY = "SEK";

export const CATALOGUE: readonly Product[] = [
  {
    sku: "IP15",
    name: "iPhone 15",
    category: "electronics",
    unitPrice: 1_299_000,
    description: "128 GB, black. The classic resale favourite.",
  },
  {
    sku: "HP-ANC",
    name: "Noise-cancelling headphones",
    category: "electronics",
    unitPrice: 349_000,
    description: "Over-ear, 30 hours of battery, folds flat.",
  },
  {
    sku: "LAPTOP-14",
    name: "Laptop 14\"",
    category: "electronics",
    unitPrice: 1_149_000,
    description: "16 GB RAM, 512 GB SSD, weighs 1.3 kg.",
  },
  {
    sku: "GRIND-01",
    name: "Burr coffee grinder",
    category: "home",
    unitPrice: 129_900,
    description: "Conical burrs, 40 grind settings.",
  },
  {
    sku: "BEANS-1KG",
    name: "Coffee beans, 1 kg",
    category: "groceries",
    unitPrice: 27_900,
    description: "Medium roast from a small roastery in Malmö.",
  },
  {
    sku: "GIFT-500",
    name: "Gift card 500 kr",
    category: "gift_card",
    unitPrice: 50_000,
    description: "Delivered by e-mail, valid for two years.",
  },
  {
    sku: "TEE-BLK",
    name: "T-shirt, black",
    category: "clothing",
    unitPrice: 24_900,
    description: "Organic cotton, unisex fit.",
  },
];

const BY_SKU = new Map(CATALOGUE.map((product) => [product.sku, product]));

export function findProduct(sku: string): Product | undefined {
  return BY_SKU.get(sku);
}

/** 1299000 → "12 990 kr" (non-breaking spaces); öre are shown only when there are any. */
export function formatSek(minorUnits: number): string {
  const sign = minorUnits < 0 ? "-" : "";
  const abs = Math.abs(Math.round(minorUnits));
  const kronor = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  const ore = abs % 100;
  const fraction = ore === 0 ? "" : "," + ore.toString().padStart(2, "0");
  return `${sign}${kronor}${fraction}\u00a0kr`;
}
