System.Console.WriteLine("Cotangent QuickStart");
