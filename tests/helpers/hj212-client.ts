/**
 * A simulated data logger over real TCP: sends bytes and collects the platform's replies (one per CR LF),
 * so tests await the replies themselves instead of sleeping.
 */
import net from 'node:net';

export class DeviceClient {
  readonly replies: string[] = [];
  private buf = '';
  private waiters: { n: number; resolve: (r: string[]) => void; reject: (e: Error) => void }[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => {
      this.buf += s;
      for (let i = this.buf.indexOf('\r\n'); i >= 0; i = this.buf.indexOf('\r\n')) {
        this.replies.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 2);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const w of this.waiters.splice(0))
        w.reject(new Error(`connection closed after ${this.replies.length} replies`));
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<DeviceClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new DeviceClient(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Resolves once `n` replies in all have arrived. */
  waitForReplies(n: number): Promise<string[]> {
    if (this.replies.length >= n) return Promise.resolve(this.replies.slice(0, n));
    return new Promise((resolve, reject) => {
      this.waiters.push({ n, resolve, reject });
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.replies.length < w.n) return true;
      w.resolve(this.replies.slice(0, w.n));
      return false;
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
