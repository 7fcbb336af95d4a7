"""k8scheck: find what will break in Kubernetes manifests before `kubectl apply`."""

__version__ = "0.1.0"
