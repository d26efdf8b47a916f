// Mounts Stripe's Payment Element and confirms the payment; Stripe then sends the
// member back to the order's return page, which asks Stripe where the payment stands.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(form.dataset.key, { locale: form.dataset.lang || "auto" });
  var elements = stripe.elements({ clientSecret: form.dataset.secret });
  // Billing details left to "auto": Stripe asks only what the card itself needs.
  var payment = elements.create("payment");
  payment.mount("#payment-element");
  var button = document.getElementById("payment-submit");
  var message = document.getElementById("payment-message");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    stripe.confirmPayment({
      elements: elements,
      confirmParams: { return_url: form.dataset.return }
    }).then(function (result) {
      if (result.error) {
        message.textContent = result.error.message || "";
        button.disabled = false;
      }
    });
  });
})();
