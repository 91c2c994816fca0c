/**
 * Scripts the browser tests run in a page before the page's own (ScreenOptions.initScripts), to
 * watch it from outside or to give it a phone's rules: the apps have no test hooks. Playwright sends
 * each function's source to the page, so a script uses nothing from outside its own body (types
 * aside).
 */

/** A clip started by Web Audio: which one (null when not one of /audio/clips/), when on the context's clock, how long. */
export interface ClipStart {
  clip: string | null;
  when: number;
  duration: number;
}

/**
 * Records what Web Audio really plays, at window.__voice: the URL of every clip decoded (null when
 * it did not come from a fetch), and every clip started (see ClipStart).
 */
export function recordPlayback(): void {
  const log: { decoded: (string | null)[]; starts: ClipStart[] } = { decoded: [], starts: [] };
  (window as unknown as { __voice: typeof log }).__voice = log;
  const urlOfData = new WeakMap<ArrayBuffer, string>();
  const urlOfBuffer = new WeakMap<AudioBuffer, string | null>();

  const realFetch = window.fetch;
  window.fetch = async function (this: unknown, ...args: Parameters<typeof fetch>) {
    const response = await realFetch.apply(this, args);
    const realArrayBuffer = response.arrayBuffer;
    response.arrayBuffer = async function (this: Response) {
      const data = await realArrayBuffer.call(this);
      urlOfData.set(data, response.url);
      return data;
    };
    return response;
  } as typeof fetch;

  const realDecode = BaseAudioContext.prototype.decodeAudioData;
  BaseAudioContext.prototype.decodeAudioData = function (this: BaseAudioContext, data: ArrayBuffer, ...rest: unknown[]) {
    // Read before decoding: decodeAudioData detaches the ArrayBuffer.
    const url = urlOfData.get(data) ?? null;
    log.decoded.push(url);
    return (realDecode as (...a: unknown[]) => Promise<AudioBuffer>).call(this, data, ...rest).then((buffer) => {
      urlOfBuffer.set(buffer, url);
      return buffer;
    });
  } as typeof realDecode;

  const realStart = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, when?: number, ...rest: number[]) {
    const url = this.buffer ? (urlOfBuffer.get(this.buffer) ?? null) : null;
    const clip = url ? (/\/audio\/clips\/([a-z0-9-]+)\.wav$/.exec(new URL(url).pathname)?.[1] ?? null) : null;
    log.starts.push({
      clip,
      when: when && when > 0 ? when : this.context.currentTime,
      duration: this.buffer?.duration ?? 0,
    });
    return realStart.call(this, when, ...rest);
  } as typeof realStart;
}

/**
 * An ordinary browser's (or a phone's) autoplay policy: sound only after a tap or a key. It is
 * simulated because headless Chromium's real policy cannot be observed (and the tests launch it with
 * the autoplay flag): Playwright's page.evaluate and locator calls count as user gestures and would
 * unlock the sound themselves.
 */
export function lockSoundUntilTap(): void {
  const RealContext = window.AudioContext;
  const realResume = RealContext.prototype.resume;
  let tapped = false;
  const tap = () => (tapped = true);
  // Registered before the page's own scripts, so it runs before their listeners.
  window.addEventListener('pointerdown', tap, true);
  window.addEventListener('keydown', tap, true);
  RealContext.prototype.resume = function (this: AudioContext) {
    return tapped ? realResume.call(this) : Promise.resolve();
  };
  window.AudioContext = class extends RealContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      // Chromium starts the context as it is made or a moment later: hold it until a tap.
      const hold = () => {
        if (this.state === 'running' && !tapped) void this.suspend();
      };
      this.addEventListener('statechange', hold);
      hold();
    }
  };
}
