print("quantlab")
