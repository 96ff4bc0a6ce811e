'use strict';
const pad = require('left-pad');
const greet = require('tiny-greeter');

console.log(pad('layer cache example'));
console.log(greet('world'));
