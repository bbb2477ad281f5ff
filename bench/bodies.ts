// The 1 KB bodies the cost benchmark prices: a JSON order as a shop publishes it, and text deflate barely shrinks.

/** About 1 KB (1,000 to 1,030 bytes) of JSON: an order with its lines, as `POST /v1/topics/orders/messages` would carry it. */
export function orderBody(sequence: number): string {
  return JSON.stringify({
    orderId: `ord-${100_000 + sequence}`,
    customer: { id: `cus-${7_000 + (sequence % 97)}`, name: 'Zoé Müller', email: 'zoe.mueller@example.com' },
    currency: 'EUR',
    createdAt: new Date(Date.UTC(2026, 11, 2) + sequence * 1000).toISOString(),
    status: 'PAID',
    lines: Array.from({ length: 9 }, (_, line) => ({
      sku: `SKU-${(sequence * 7 + line * 13) % 10_000}`,
      title: ['Blue cotton t-shirt', 'Running shoes', 'Coffee beans 1 kg', 'Wireless mouse', 'Desk lamp', 'Notebook'][
        line % 6
      ],
      quantity: 1 + ((sequence + line) % 3),
      unitPrice: ((sequence * 31 + line * 17) % 5_000) / 100,
    })),
    shipping: { method: 'express', street: '12 rue de la Paix', city: 'Paris', postcode: '75002', country: 'FR' },
    payment: { provider: 'card', reference: `pi_${((sequence * 2_654_435_761) >>> 0).toString(36)}` },
  });
}

/** 1,024 printable ASCII characters drawn at random: deflate takes off a sixth at most, so the item stays 2 units. */
export function randomTextBody(sequence: number): string {
  let seed = sequence + 1;
  return Array.from({ length: 1024 }, () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return String.fromCharCode(33 + ((seed >>> 16) % 94));
  }).join('');
}
