// Microphone capture: an AudioWorklet copies every render quantum (mono, the context's rate) to the page.

/** A recording in progress. */
export interface Recording {
  /** Stops the microphone; resolves with the samples captured so far. */
  stop(): Promise<{ samples: Float32Array; sampleRate: number }>;
}

// The worklet module, loaded from a Blob URL so the page needs no extra file.
const WORKLET = `
class Capture extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) this.port.postMessage(ch.slice(0));
    return true;
  }
}
registerProcessor('speechkd-capture', Capture);
`;

/** Starts recording the default microphone (mono; echo cancellation and noise suppression off); `onProgress` gets the seconds captured. */
export async function startRecording(onProgress?: (seconds: number) => void): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const ctx = new AudioContext();
  const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const source = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, 'speechkd-capture', { numberOfOutputs: 0 }); // a sink: rendered unconnected
  const chunks: Float32Array[] = [];
  let captured = 0;
  node.port.onmessage = (e: MessageEvent<Float32Array>) => {
    chunks.push(e.data);
    captured += e.data.length;
    onProgress?.(captured / ctx.sampleRate);
  };
  source.connect(node);
  return {
    async stop() {
      source.disconnect();
      node.port.onmessage = null;
      for (const t of stream.getTracks()) t.stop();
      await ctx.close();
      const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
      let off = 0;
      for (const c of chunks) {
        samples.set(c, off);
        off += c.length;
      }
      return { samples, sampleRate: ctx.sampleRate };
    },
  };
}
