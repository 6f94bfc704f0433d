// The peer in scripts/bench: face-api.js (@vladmandic/face-api, the same networks' TF.js
// weights as models/) on TF.js's WASM backend in Node, single-threaded, over the images the
// bench gives it. Prints one JSON line: images/s of the whole pipeline per set (decode, SSD
// detection, 68 landmarks, aligned chip, descriptor) and of the encoder alone.
//   node face-api-bench.js MODELS_DIR RUNS CROPS_DIR SET=ROOT:MANIFEST...
'use strict';
const fs = require('fs');
const path = require('path');
const jpeg = require('jpeg-js');
const { PNG } = require('pngjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const [modelsDir, runsArg, cropsDir, ...sets] = process.argv.slice(2);
const runs = Number(runsArg);
const tf = faceapi.tf;

function decode(file) {
  const bytes = fs.readFileSync(file);
  if (file.endsWith('.png')) {
    const png = PNG.sync.read(bytes);
    const rgb = new Uint8Array(png.width * png.height * 3);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgb[i] = png.data[j];
      rgb[i + 1] = png.data[j + 1];
      rgb[i + 2] = png.data[j + 2];
    }
    return tf.tensor3d(rgb, [png.height, png.width, 3], 'int32');
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false,
    maxMemoryUsageInMB: 2048 });
  return tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// the warm-up, then runs timed: their median
async function timed(fn) {
  await fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(t);
}

async function main() {
  tf.setThreadsCount(1); // before the backend starts
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelsDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  const out = { node: process.version, backend: tf.getBackend(), threads: 1,
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tfjs: tf.version_core, sets: {} };

  for (const set of sets) {
    const [name, spec] = set.split('=');
    const [root, manifest] = spec.split(':');
    const files = fs.readFileSync(manifest, 'utf8').trim().split('\n').slice(1)
      .map((l) => path.join(root, l.slice(l.indexOf(',') + 1)));
    let found = 0;
    const seconds = await timed(async () => {
      found = 0;
      for (const f of files) {
        const t = decode(f);
        const r = await faceapi.detectSingleFace(t, options).withFaceLandmarks()
          .withFaceDescriptor();
        if (r) found++;
        t.dispose();
      }
    });
    out.sets[name] = { images: files.length, found, imagesPerSecond: files.length / seconds };
  }

  // the encoder alone: 150x150 chips, batches of 32, as the bench's encoder table
  const crops = fs.readdirSync(cropsDir).sort().map((f) => decode(path.join(cropsDir, f)));
  const total = 192;
  const batch = 32;
  const seconds = await timed(async () => {
    for (let done = 0; done < total; done += batch) {
      const b = [];
      for (let i = 0; i < batch; i++) b.push(crops[(done + i) % crops.length]);
      const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(b);
      (Array.isArray(d) ? d : [d]).forEach((x) => x);
    }
  });
  out.encoderImagesPerSecond = total / seconds;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`face-api-bench: ${e.stack || e}\n`);
  process.exit(1);
});
