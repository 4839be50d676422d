namespace Cotangent;
