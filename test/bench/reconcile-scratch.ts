import { reconcile } from '../../src/reconciliation/matcher';
import { evaluate, toLinkRecords } from '../../src/reconciliation/evaluation';
import { datasetInput, readDataset } from '../../src/reconciliation/dataset';
const ds = readDataset('/work/shared/datasets/reconciliation/dev');
const base = datasetInput(ds);
const variants: Record<string, typeof base> = {
  base,
  noIban: { ...base, credits: base.credits.map((c) => ({ ...c, counterpartyIban: null })), invoices: base.invoices.map((i) => ({ ...i, customerIban: null })) },
  noE2e: { ...base, credits: base.credits.map((c) => ({ ...c, endToEndId: null })) },
  lower: { ...base, credits: base.credits.map((c) => ({ ...c, remittanceUnstructured: c.remittanceUnstructured?.toLowerCase(), counterpartyName: c.counterpartyName?.toLowerCase() })) },
  truncNames: { ...base, credits: base.credits.map((c) => ({ ...c, counterpartyName: c.counterpartyName?.slice(0, 14) })) },
  reversedOrder: { ...base, credits: [...base.credits].reverse(), invoices: [...base.invoices].reverse() },
  noPayoutIds: { ...base, credits: base.credits.map((c) => (c.counterpartyName === 'STRIPE' ? { ...c, remittanceUnstructured: 'STRIPE PAYOUT', endToEndId: null } : c)) },
};
for (const [name, input] of Object.entries(variants)) {
  const ev = evaluate(toLinkRecords(reconcile(input).links), ds.truth!);
  console.log(name.padEnd(14), 'autoP', ev.autoConfirmed.precision.toFixed(3), 'autoR', ev.autoConfirmed.recall.toFixed(3), 'allP', ev.allProposed.precision.toFixed(3), 'allR', ev.allProposed.recall.toFixed(3), ev.byCategory.filter((c) => c.allProposed.recall < 0.95 || c.autoConfirmed.precision < 1).map((c) => `${c.category}:${c.allProposed.recall.toFixed(2)}/${c.autoConfirmed.precision.toFixed(2)}`).join(' '));
}
const credits = base.credits;
const byNum = new Set(base.invoices.map((i) => i.number));
const adversarial: Record<string, typeof base> = {
  decoys: { ...base, credits: [...credits, ...base.invoices.map((i, k) => ({ id: `D${k}`, amount: i.amount, currency: 'EUR', status: 'BOOKED' as const, bookingDate: i.dueDate, counterpartyName: 'SCI DU PARC', counterpartyIban: 'FR7612345678901234567890123', remittanceUnstructured: 'LOYER ' + i.dueDate, endToEndId: null }))] },
  duplicates: { ...base, credits: [...credits, ...credits.filter((c) => ds.truth!.some((t) => t.transactionId === c.id && t.category === 'single')).map((c) => ({ ...c, id: 'X' + c.id, bookingDate: new Date(Date.parse(c.bookingDate) + 2 * 86400000).toISOString().slice(0, 10) }))] },
  wrongDigit: { ...base, credits: credits.map((c) => {
    const m = c.remittanceUnstructured?.match(/INV-(\d{6})/);
    if (!m || !ds.truth!.some((t) => t.transactionId === c.id && t.category === 'single')) return c;
    const n = String(Number(m[1]) + 1).padStart(6, '0');
    return byNum.has('INV-' + n) ? { ...c, remittanceUnstructured: c.remittanceUnstructured!.replace(m[0], 'INV-' + n), endToEndId: null } : c;
  }) },
};
for (const [name, input] of Object.entries(adversarial)) {
  const ev = evaluate(toLinkRecords(reconcile(input).links), ds.truth!);
  console.log(name.padEnd(14), 'autoP', ev.autoConfirmed.precision.toFixed(3), 'autoR', ev.autoConfirmed.recall.toFixed(3), 'allP', ev.allProposed.precision.toFixed(3), 'allR', ev.allProposed.recall.toFixed(3), ev.byCategory.filter((c) => c.allProposed.recall < 0.95 || c.autoConfirmed.precision < 1).map((c) => `${c.category}:${c.allProposed.recall.toFixed(2)}/${c.autoConfirmed.precision.toFixed(2)}`).join(' '));
}

{
  const input = adversarial.wrongDigit;
  const r = reconcile(input);
  const truthPairs = new Set(ds.truth!.flatMap((t) => t.invoiceIds.map((i) => t.transactionId + ' ' + i)));
  const inv = new Map(input.invoices.map((i) => [i.id, i]));
  for (const l of r.links) if (l.decision === 'AUTO_CONFIRMED') for (const a of l.allocations) if (!truthPairs.has(l.transactionId + ' ' + a.invoiceId)) {
    const c = input.credits.find((x) => x.id === l.transactionId)!;
    const t = ds.truth!.find((x) => x.transactionId === l.transactionId);
    console.log(c.amount, c.counterpartyName, c.remittanceUnstructured, '->', JSON.stringify(inv.get(a.invoiceId)), 'truth', t && JSON.stringify(t.invoiceIds.map((i) => inv.get(i))), JSON.stringify(l.signals));
  }
}
const shift = (delta: number, cat: string) => ({ ...base, credits: credits.map((c) => ds.truth!.some((t) => t.transactionId === c.id && t.category === cat) ? { ...c, amount: (Math.round(Number(c.amount) * 100) + delta).toString().replace(/(\d\d)$/, '.$1') } : c) });
const more: Record<string, typeof base> = {
  underSingle: shift(-250, 'single'), overSingle: shift(1000, 'single'), underNoRef: shift(-250, 'no-reference'), underGrouped: shift(-250, 'grouped'), underThird: shift(-250, 'third-party'),
};
for (const [name, input] of Object.entries(more)) {
  const r = reconcile(input);
  const ev = evaluate(toLinkRecords(r.links), ds.truth!);
  console.log(name.padEnd(14), 'autoP', ev.autoConfirmed.precision.toFixed(3), 'autoR', ev.autoConfirmed.recall.toFixed(3), 'allP', ev.allProposed.precision.toFixed(3), 'allR', ev.allProposed.recall.toFixed(3), 'wo', r.writeOffs.length, 'over', r.overpayments.length, ev.byCategory.filter((c) => c.allProposed.recall < 0.95 || c.autoConfirmed.precision < 1).map((c) => `${c.category}:${c.allProposed.recall.toFixed(2)}/${c.autoConfirmed.precision.toFixed(2)}`).join(' '));
}
{
  const input = more.overSingle;
  const r = reconcile(input);
  const inv = new Map(input.invoices.map((i) => [i.id, i]));
  for (const t of ds.truth!.filter((t) => t.category === 'single')) {
    const ls = r.links.filter((l) => l.transactionId === t.transactionId);
    const got = new Set(ls.flatMap((l) => l.allocations.map((a) => a.invoiceId)));
    if (t.invoiceIds.every((i) => got.has(i))) continue;
    const c = input.credits.find((x) => x.id === t.transactionId)!;
    console.log(c.amount, c.counterpartyName, c.remittanceUnstructured, 'truth', t.invoiceIds.map((i) => `${i}:${inv.get(i)!.number}:${inv.get(i)!.amount}`).join(','), JSON.stringify(ls.map((l) => [l.allocations, l.signals.map((s) => s.kind + ':' + s.points + ':' + (s.invoiceId ?? ''))])));
  }
}
