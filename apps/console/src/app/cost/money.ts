// Money and shares as the cost page shows them: amounts in the price sheet's currency with cents,
// small unit prices with their significant digits, and shares as percentages.

/** "$1,234.56", "$0.0004", "€12.00"; an unknown currency code is written after the amount. */
export function formatMoney(amount: number, currency: string): string {
  if (!Number.isFinite(amount)) return "—";
  const digits: Intl.NumberFormatOptions =
    amount !== 0 && Math.abs(amount) < 1
      ? { maximumSignificantDigits: 3 }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency, ...digits }).format(amount);
  } catch {
    return `${new Intl.NumberFormat("en-US", digits).format(amount)} ${currency}`;
  }
}

/** 0.6667 → "66.7 %". */
export function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
