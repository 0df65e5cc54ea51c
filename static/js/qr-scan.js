/* Camera scanning for the entrance and lead pages: where the browser has a barcode detector
   (Chrome on Android), the first QR code seen fills the form's "code" field and submits it.
   Without one, nothing happens and staff type the code. */
(function () {
  var form = document.querySelector("form[data-qr-scan]");
  var video = document.getElementById("camera");
  if (!form || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var detector = new BarcodeDetector({formats: ["qr_code"]});
  navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
    video.srcObject = stream; video.hidden = false; video.play();
    var look = function () {
      detector.detect(video).then(function (codes) {
        if (codes.length) { form.elements.code.value = codes[0].rawValue; form.submit(); }
        else requestAnimationFrame(look);
      }).catch(function () { requestAnimationFrame(look); });
    };
    look();
  }).catch(function () {});
})();
