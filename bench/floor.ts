// The floor: a bare Fastify route returning a short string, started the same way as the service,
// so the ratio to it shows what Atelier itself costs on this machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => 'ok');
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`Atelier is running: open http://127.0.0.1:${(app.server.address() as { port: number }).port}/ (floor)`);
