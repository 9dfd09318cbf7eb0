import { HttpServer } from '../server/http-server';

/** Sample orders of the demo shop (the order-status flow looks them up). */
const ORDERS: Readonly<Record<string, { status: string; status_en: string; courier: string; tracking: string; eta: string }>> = {
  'INV-12345': { status: 'sedang dikirim', status_en: 'on its way', courier: 'JNE REG', tracking: 'JNE0012345678', eta: '2 hari lagi' },
  'INV-20001': { status: 'sudah diterima', status_en: 'delivered', courier: 'SiCepat', tracking: 'SCP998877', eta: 'sudah sampai' },
  'INV-30002': { status: 'sedang dikemas', status_en: 'being packed', courier: 'J&T', tracking: 'belum ada', eta: '3–4 hari lagi' },
};

/**
 * A tiny order-status service for the demo and tests: `GET /orders/:id` answers
 * `{ found: true, id, status_text, courier, tracking, eta }` or `{ found: false }`.
 */
export function orderService(): HttpServer {
  const server = new HttpServer();
  server.route('GET', '/orders/:id', (request) => {
    const id = request.params.id.toUpperCase().replace(/^(INV|ORD)[- ]?/, '$1-');
    const order = ORDERS[id];
    if (!order) return { status: 200, body: { found: false, id } };
    return {
      status: 200,
      body: { found: true, id, status_text: order.status, status_text_en: order.status_en, courier: order.courier, tracking: order.tracking, eta: order.eta },
    };
  });
  return server;
}
