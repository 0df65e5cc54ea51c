/* QR decoding on every phone browser, Safari on iOS included: the bundled ZXing-C++ reader
   compiled to WebAssembly (static/vendor/zxing-wasm, see its README for the version and how to
   update it), never a CDN. Camera frames are drawn to a canvas and read as ImageData a few
   times a second.

   decodeImage(blobOrImageData) → Promise of the texts of the QR codes found (tests feed still
   images to it; the camera loop below uses it too). */
(function (scan) {
  "use strict";

  var FRAMES_PER_SECOND = 8;
  // the same code seen again within this time is the same badge still held up to the camera
  var SAME_CODE_MS = 2500;
  // frames are scaled down to this width: enough for a badge's QR, fast on a phone
  var FRAME_WIDTH = 960;
  var OPTIONS = {formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4};

  var configured = false;

  /* Points the reader at our own copy of its .wasm file (by default it would load it from a
     CDN). The address comes from the page (data-decoder-wasm on <body>). */
  function configure() {
    if (configured) return;
    var wasm = document.body.getAttribute("data-decoder-wasm");
    window.ZXingWASM.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) {
          return path.slice(-5) === ".wasm" ? wasm : prefix + path;
        }
      }
    });
    configured = true;
  }

  function decodeImage(image) {
    if (!window.ZXingWASM) return Promise.reject(new Error("decoder not loaded"));
    configure();
    return window.ZXingWASM.readBarcodes(image, OPTIONS).then(function (results) {
      return results.filter(function (r) { return r.isValid; })
                    .map(function (r) { return r.text; });
    });
  }

  /* The camera: starts the back camera in `video`, reads frames and calls onCode(text) for
     each new code seen. Returns a Promise of a stop() function. playsinline and muted keep
     iOS Safari from opening the video full screen. */
  function startCamera(video, onCode) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", {willReadFrequently: true});
    var running = true, busy = false, timer = null, stream = null;
    var lastText = "", lastAt = 0;

    function readFrame() {
      if (!running || busy || video.readyState < 2 || !video.videoWidth) return;
      var scale = Math.min(1, FRAME_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      busy = true;
      decodeImage(context.getImageData(0, 0, canvas.width, canvas.height)).then(function (texts) {
        busy = false;
        if (!texts.length || !running) return;
        var now = Date.now();
        if (texts[0] === lastText && now - lastAt < SAME_CODE_MS) { lastAt = now; return; }
        lastText = texts[0];
        lastAt = now;
        onCode(texts[0]);
      }, function () { busy = false; });
    }

    function stop() {
      running = false;
      clearInterval(timer);
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      video.srcObject = null;
      video.hidden = true;
    }

    video.setAttribute("playsinline", "");
    video.muted = true;
    return navigator.mediaDevices.getUserMedia({
      video: {facingMode: {ideal: "environment"}}, audio: false
    }).then(function (got) {
      stream = got;
      video.srcObject = stream;
      video.hidden = false;
      return video.play();
    }).then(function () {
      timer = setInterval(readFrame, 1000 / FRAMES_PER_SECOND);
      return stop;
    }, function (error) { stop(); throw error; });
  }

  scan.decoder = {decodeImage: decodeImage, startCamera: startCamera};
})(window.ExhibitScan = window.ExhibitScan || {});
